"""Messages in the user's language: English as written here, or Japanese when the locale says `ja`.

A message is made with `M("text with {name}", name=value)`: a `str` whose value is the English text
(so JSON, logs for scripts and comparisons never change with the language), which also remembers its
message id and values. `localize()` turns it into the language chosen for people to read; every
printer of human text (wizard/output.py, error rendering, the TUI) calls it. English costs nothing:
no catalog is read and `gettext` is not imported. Japanese loads one compiled catalog, once, lazily:
`wizard/locale/ja/LC_MESSAGES/openclaw.mo`, built from the `.po` beside it (scripts/i18n), a standard
GNU gettext catalog read by `Catalog` below exactly as the stdlib's gettext reads it, without the
stdlib module's import cost.

The language: `--lang`, else OPENCLAW_LANG, else LC_ALL, LC_MESSAGES, LANG (the gettext order);
a value starting with `ja` selects Japanese, anything else English. The locale need not be installed.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (this module is on every start)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Literal

LANGUAGES = ("en", "ja")
LANG_VARIABLES = ("OPENCLAW_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
DOMAIN = "openclaw"

_language = "en"
_catalog: Catalog | _NoCatalog | None = None  # None while the language is English


class Msg(str):
    """An English message that can be shown in another language: `msgid` with `params` filled in."""

    __slots__ = ("context", "msgid", "params")
    msgid: str
    params: dict[str, Any]
    context: str | None

    def __new__(cls, msgid: str, /, **params: Any) -> Msg:
        self = super().__new__(cls, msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params
        self.context = None
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # pickling keeps the English text and the message
        return (_rebuild, (self.msgid, self.params, self.context))


def _rebuild(msgid: str, params: dict[str, Any], context: str | None = None) -> Msg:
    message = Msg(msgid, **params)
    message.context = context
    return message


def M(msgid: str, /, **params: Any) -> Msg:  # noqa: N802  (the extractor's keyword: short, like _)
    """A message for people: English `msgid`, `{name}` placeholders filled from `params`."""
    return Msg(msgid, **params)


def MC(context: str, msgid: str, /, **params: Any) -> Msg:  # noqa: N802  (the extractor's keyword)
    """A message whose English is written the same as another's with another meaning (gettext's
    pgettext): "now" in the sidebar's legend (the current step) is not "now" of a usage reset."""
    return _rebuild(msgid, params, context)


def localize(text: object) -> str:
    """`text` in the chosen language: a Msg translated (its values too), anything else as it is."""
    if not isinstance(text, Msg):
        return text if isinstance(text, str) else str(text)
    if _catalog is None:
        return str.__str__(text)
    if text.context is None:
        translated = _catalog.gettext(text.msgid)
    else:
        translated = _catalog.pgettext(text.context, text.msgid)
    if not text.params:
        return translated
    return translated.format(**{name: _value(value) for name, value in text.params.items()})


def _value(value: object) -> object:
    return localize(value) if isinstance(value, Msg) else value


def language() -> str:
    return _language


def choose(flag: str | None, environ: Mapping[str, str]) -> str:
    """The language a run speaks: `--lang`, else the first of LANG_VARIABLES that is set."""
    value = flag
    if not value:
        value = next((environ[name] for name in LANG_VARIABLES if environ.get(name)), "")
    return "ja" if value.strip().lower().startswith("ja") else "en"


def use(lang: str) -> None:
    """Speak `lang` from now on ("en" or "ja"); Japanese reads its catalog the first time."""
    global _language, _catalog
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    _language = lang
    _catalog = None if lang == "en" else _load(lang)


class Catalog:
    """A compiled GNU gettext catalog (.mo), read as the standard library's gettext.GNUTranslations reads
    it, for the two lookups the product makes (gettext, pgettext). Importing `gettext` costs about 6 ms
    (it loads re, enum, functools): a quarter of `models auth status`; tests/test_i18n.py holds this
    reading equal to gettext's for every message of the shipped catalog."""

    def __init__(self, data: bytes) -> None:
        magic = int.from_bytes(data[:4], "little")
        if magic not in (0x950412DE, 0xDE120495):
            raise ValueError("not a GNU gettext catalog (bad magic number)")
        order: Literal["little", "big"] = "little" if magic == 0x950412DE else "big"

        def words(at: int, count: int) -> list[int]:
            if order == sys.byteorder:  # the usual case: the machine's own order, read in one go
                return memoryview(data)[at:at + 4 * count].cast("I").tolist()
            return [int.from_bytes(data[i:i + 4], order) for i in range(at, at + 4 * count, 4)]

        count, originals, translations = words(8, 3)
        self._data = data
        # Only the msgids are read now (a lookup decodes the one translation it needs): reading every
        # translation of a thousand would cost more than the command that prints three of them.
        self._translations = words(translations, 2 * count)
        self._index: dict[bytes, int] = {}
        for index, (length, offset) in enumerate(_pairs(words(originals, 2 * count))):
            key = data[offset:offset + length]
            if key:  # the empty msgid holds the catalog's header
                self._index[key.split(b"\x00")[0]] = index  # a plural entry is found by its singular

    def gettext(self, message: str) -> str:
        return self._lookup(message) or message

    def pgettext(self, context: str, message: str) -> str:
        return self._lookup(f"{context}\x04{message}") or message  # gettext's context separator

    def _lookup(self, key: str) -> str | None:
        index = self._index.get(key.encode("utf-8"))
        if index is None:
            return None
        length, offset = self._translations[2 * index], self._translations[2 * index + 1]
        return self._data[offset:offset + length].decode("utf-8").split("\x00")[0]


def _pairs(values: list[int]) -> zip[tuple[int, int]]:
    return zip(values[0::2], values[1::2], strict=True)


class _NoCatalog:
    """English words as they are: what a missing catalog shows rather than failing the command."""

    def gettext(self, message: str) -> str:
        return message

    def pgettext(self, context: str, message: str) -> str:
        return message


def catalog_path(lang: str) -> str:
    import os

    return os.path.join(os.path.dirname(__file__), "locale", lang, "LC_MESSAGES", DOMAIN + ".mo")


def _load(lang: str) -> Catalog | _NoCatalog:
    try:
        with open(catalog_path(lang), "rb") as fh:
            return Catalog(fh.read())
    except (OSError, ValueError, UnicodeDecodeError):
        return _NoCatalog()
