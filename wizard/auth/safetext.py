"""Text from the network or a file is data, never terminal control.

`clean` removes what a terminal would act on instead of showing: escape sequences
(CSI such as `ESC[2J`, OSC such as an OSC 52 clipboard write or an OSC 8 link, DCS/APC/PM/SOS
strings, their 8-bit C1 forms), every other C0 control but newline and tab, DEL, C1
controls, and the bidirectional overrides that reorder what is displayed. It is applied
where such text enters (provider error text, device codes, model replies, values read from
credential files and tokens), so every printer downstream shows data only. Standard library
only: `models auth status` loads it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    import re

_PATTERN = (
    r"\x1b\[[0-?]*[ -/]*[@-~]?"              # CSI: ESC [ params intermediates final
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: ESC ] ... BEL or ST
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"       # DCS, SOS, PM, APC: ... ST
    r"|\x1b[ -/]*[0-~]?"                     # any other escape sequence
    r"|\x9b[0-?]*[ -/]*[@-~]?"               # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit DCS, SOS, OSC, PM, APC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"     # C0 but \t \n, DEL, C1, bidi overrides
)
_compiled: list[re.Pattern[str]] = []


def _control() -> re.Pattern[str]:
    if not _compiled:  # compiled on first need: most text is printable and never gets here (nor loads re)
        import re

        _compiled.append(re.compile(_PATTERN))
    return _compiled[0]


def clean(text: object) -> str:
    """`text` as a string with every terminal control removed (newlines and tabs kept)."""
    text = text if isinstance(text, str) else str(text)
    if text.isprintable():  # no control or format character at all: nothing to remove
        return text
    return _control().sub("", text)


def is_clean(text: str) -> bool:
    return text.isprintable() or _control().search(text) is None
