"""A new config file's text, exactly as tomlkit writes it, without importing tomlkit.

tomlkit is what keeps an existing config's comments and order (wizard/config.py); a first run has
no config, and importing tomlkit and building its document would cost about a tenth of headless
onboarding. `fresh(header, patch)` writes the same bytes for the patches onboarding makes: dotted
keys of two or more bare parts, values that are strings, integers, booleans, flat arrays of them
and inline tables of them, None to remove. It mirrors the few rules of tomlkit's container that
decide the layout (values before sub-tables, a blank line before a table added after something,
a removed entry leaving a hole that still counts as "something"), and answers None for anything
else, which the caller renders with tomlkit. tests/test_tomlwrite.py checks it against tomlkit on
generated patches.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_SCALARS = (str, int, bool)
_GONE = object()  # a removed entry: tomlkit keeps a placeholder (Null) in its place


class Unsupported(Exception):
    """The patch needs something this writer does not do: render it with tomlkit."""


class _Table:
    """A table as tomlkit's container holds it: entries in order (removed ones as _GONE), and whether a
    blank line goes before its header."""

    __slots__ = ("entries", "blank_line_before")

    def __init__(self) -> None:
        self.entries: list[list[object]] = []  # [key, value | _Table | _GONE]
        self.blank_line_before = False

    def get(self, key: str) -> object:
        for entry_key, value in self.entries:
            if entry_key == key and value is not _GONE:
                return value
        return _GONE

    def live(self) -> list[tuple[str, object]]:
        return [(str(key), value) for key, value in self.entries if value is not _GONE]

    def is_super(self) -> bool:
        """Only tables inside (and something): tomlkit writes no header for it."""
        live = self.live()
        return bool(live) and all(isinstance(value, _Table) for _, value in live)

    def add_table(self, key: str, table: _Table) -> None:
        """Tables go last; a blank line before one added after anything, even a removed entry (in the
        document, the header comment's blank line comes first and counts as that line)."""
        table.blank_line_before = bool(self.entries)
        self.entries.append([key, table])

    def add_value(self, key: str, value: object) -> None:
        """Values go before the first sub-table; the entry they are put in front of gets a blank line."""
        first_table = next((i for i, (_, v) in enumerate(self.entries) if isinstance(v, _Table)), None)
        if first_table is None:
            self.entries.append([key, value])
            return
        at = 1 + max((i for i, (_, v) in enumerate(self.entries[:first_table]) if v is not _GONE), default=-1)
        before = self.entries[at][1]
        if isinstance(before, _Table):
            before.blank_line_before = True
        self.entries.insert(at, [key, value])

    def set_value(self, key: str, value: object) -> None:
        for entry in self.entries:
            if entry[0] == key and entry[1] is not _GONE:
                entry[1] = value
                return
        self.add_value(key, value)

    def remove(self, key: str) -> None:
        for entry in self.entries:
            if entry[0] == key and entry[1] is not _GONE:
                entry[1] = _GONE
                return


def fresh(header: str, patch: Mapping[str, object]) -> str | None:
    """`header` as comment lines, a blank line, then `patch` as tables; None when tomlkit must write it."""
    root = _Table()
    try:
        for dotted, value in patch.items():
            _apply(root, dotted.split("."), value)
        text = "".join(f"# {line}\n" for line in header.splitlines()) + "\n"
        # The root holds tables only (_apply refuses a top-level key), which live() cannot say.
        return text + "".join(_table_text(key, table) for key, table in root.live())  # type: ignore[arg-type]
    except Unsupported:
        return None


def _apply(root: _Table, keys: list[str], value: object) -> None:
    """config._apply's steps on a new document."""
    if len(keys) < 2 or not all(key and set(key) <= _BARE for key in keys):
        raise Unsupported
    _check_value(value)
    node = root
    for key in keys[:-1]:
        child = node.get(key)
        if child is _GONE:
            if value is None:
                return
            child = _Table()
            node.add_table(key, child)
        if not isinstance(child, _Table):
            raise Unsupported  # a value used as a table: tomlkit reports it (or extends an inline table)
        node = child
    last, current = keys[-1], node.get(keys[-1])
    if value is None:
        node.remove(last)
        return
    if isinstance(current, _Table):
        raise Unsupported  # a table replaced by a value (or compared with a dict)
    if current is not _GONE and current == value:
        return  # unchanged
    node.set_value(last, _copy(value))


def _check_value(value: object) -> None:
    if value is None or type(value) in _SCALARS:
        return
    if type(value) is list and all(type(item) in _SCALARS for item in value):
        return
    if type(value) is dict and all(type(k) is str and k and set(k) <= _BARE and type(v) in _SCALARS
                                   for k, v in value.items()):
        return
    raise Unsupported


def _copy(value: object) -> object:
    return list(value) if type(value) is list else dict(value) if type(value) is dict else value


def _table_text(name: str, table: _Table) -> str:
    if not table.is_super():
        text = ("\n" if table.blank_line_before else "") + f"[{name}]\n"
    else:
        text = "\n" if table.blank_line_before else ""
    for key, value in table.live():
        if isinstance(value, _Table):
            text += _table_text(f"{name}.{key}", value)
        else:
            text += f"{key} = {_value_text(value)}\n"
    return text


def _value_text(value: object) -> str:
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return '"' + "".join(_escaped(char) for char in value) + '"'
    if type(value) is list:
        return "[" + ", ".join(_value_text(item) for item in value) + "]"
    assert type(value) is dict
    return "{" + ", ".join(f"{key} = {_value_text(item)}" for key, item in value.items()) + "}"


def _escaped(char: str) -> str:
    """A basic string's character as tomlkit writes it: short escapes, \\uXXXX for other controls."""
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if char < " " or char == "\x7f":
        return f"\\u{ord(char):04x}"
    return char
