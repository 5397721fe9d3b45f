"""Japanese line breaking for every text the TUI wraps (wizard/linebreak.py holds the rules).

Why this reaches into Textual and Rich: both wrap a line with Rich's `divide_line` (rich/_wrap.py),
which breaks only at whitespace, so a Japanese sentence (no spaces) moves to the next line whole or is
cut by cells anywhere, kinsoku ignored. Neither offers a public way to choose where a line may break:
Textual's `Content` (Static, Label, toggle-button labels, toasts) and Rich's `Text` (our notes, Review,
the sign-in panel, tables) each call the name `divide_line` bound in their own module. `install()`
rebinds those two names, once, to `divide_line` below, which keeps Rich's own function for English.

The versions are pinned exactly (pyproject.toml); tests/tui/test_linebreak.py fails if either module
stops wrapping through that name, so an upgrade cannot silently drop Japanese breaking.
"""

from __future__ import annotations

import rich.text
import textual.content
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, chop_cells

from wizard.i18n import language
from wizard.linebreak import break_offsets, has_cjk

WRAPPING_MODULES = (textual.content, rich.text)


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Rich's `divide_line` (same arguments, same result for English) with Japanese break opportunities.

    Text without a Japanese character, or any text while the language is not Japanese (an English app later
    in the same process), is Rich's to wrap: English lays out byte for byte as before."""
    if language() != "ja" or not has_cjk(text):
        return rich_divide_line(text, width, fold)
    return break_offsets(text, width, fold, cells=cell_len, chop_cells=chop_cells)


def install() -> None:
    """Textual and Rich wrap through `divide_line` above from now on (idempotent)."""
    for module in WRAPPING_MODULES:
        bound = getattr(module, "divide_line", None)
        if bound not in (rich_divide_line, divide_line):
            raise RuntimeError(f"{module.__name__} no longer wraps with rich._wrap.divide_line: "
                               "Japanese line breaking (screens/linebreak.py) needs a new hook")
        setattr(module, "divide_line", divide_line)  # noqa: B010  (a private binding: see the docstring)
