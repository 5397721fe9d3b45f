"""Plain-text tables with optional ANSI colour. Standard library only (rich costs ~40 ms to import)."""

from __future__ import annotations

import os
import sys

from wizard import paths
from wizard.i18n import localize

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import TextIO

_CODES = {"green": "32", "yellow": "33", "red": "31", "cyan": "36", "dim": "2", "bold": "1"}
STATUS_COLOURS = {"ok": "green", "static": "cyan", "expiring": "yellow", "expired": "red", "missing": "red"}


def colour_enabled(stream: TextIO | None = None) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def paint(text: str, colour: str | None, enabled: bool) -> str:
    if not enabled or not colour:
        return text
    return f"\033[{_CODES[colour]}m{text}\033[0m"


def short_path(path: str) -> str:
    """`~/...` for paths under the home directory (human output only; JSON keeps them whole)."""
    home = paths.home_str()
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home):]
    return path


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes: 2 for a wide (East Asian) character, 0 for a combining one."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def table(headers: list[str], rows: list[list[str]], colours: list[list[str | None]] | None = None,
          *, enabled: bool = False, notes: list[list[str]] | None = None) -> str:
    """Left-aligned columns, two spaces apart; `notes[i]` are indented lines printed under row i.

    Headers, cells and notes are shown in the chosen language (wizard.i18n.localize). Widths are
    terminal cells, not characters: a Japanese header or account name takes two cells a character,
    and the columns stay aligned."""
    headers = [localize(h) for h in headers]
    rows = [[localize(cell) for cell in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_width(cell)) for w, cell in zip(widths, row, strict=False)]
    lines = [_join(headers, widths, [("bold" if enabled else None)] * len(headers), enabled)]
    for index, row in enumerate(rows):
        row_colours: list[str | None] = colours[index] if colours else [None] * len(row)
        lines.append(_join(row, widths, row_colours, enabled))
        for note in (notes[index] if notes else []):
            lines.append("  " + localize(note))
    return "\n".join(lines)


def labelled(fields: list[tuple[str, str]], *, indent: str = "") -> list[str]:
    """`label  value` lines, the values in one column (two cells after the widest label), in the chosen
    language."""
    labels = [localize(label) for label, _ in fields]
    width = max(cell_width(label) for label in labels) + 2
    return [indent + label + " " * (width - cell_width(label)) + localize(value)
            for label, (_, value) in zip(labels, fields, strict=True)]


def _join(cells: list[str], widths: list[int], colours: list[str | None], enabled: bool) -> str:
    last = len(cells) - 1
    parts = []
    for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        padded = cell if i == last else cell + " " * (width - cell_width(cell))
        # Pad before painting so escape codes do not upset the alignment.
        parts.append(paint(padded, colours[i], enabled) if cell else padded)
    return "  ".join(parts).rstrip()
