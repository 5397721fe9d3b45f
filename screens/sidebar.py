"""The step sidebar shown on every screen: one clickable row per step, plus Review and Done."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from wizard.i18n import MC, M, localize

GLYPHS = {"done": "✔", "current": "▶", "pending": "○", "kept": "=", "skipped": "↷", "n/a": "–"}
LEGEND = M("✔ done ▶ now ○ to do\n= kept ↷ skipped\n– not applicable")
# A step's status in words, for its tooltip (the machine's status values are ids)
STATUS_WORDS = {"done": M("done"), "current": M("now"), "pending": M("to do"), "kept": MC("sidebar legend", "kept"),
                "skipped": M("skipped"), "n/a": M("not applicable")}


class StepLink(Static):
    """One row: number, status glyph, title. Clicking it asks to jump there."""

    def __init__(self, step_id: str, number: int, title: str, status: str, description: str) -> None:
        super().__init__(self._label(number, title, status), id=f"link-{step_id}",
                         classes=f"step-link -{status.replace('/', '')}")
        self.step_id = step_id
        status_words = STATUS_WORDS.get(status, status)
        if description:
            self.tooltip = localize(M("{number}. {title}: {status} ({description})", number=number, title=title,
                                      status=status_words, description=description))
        else:
            self.tooltip = localize(M("{number}. {title}: {status}", number=number, title=title, status=status_words))

    @staticmethod
    def _label(number: int, title: str, status: str) -> Table:
        """The whole title, wrapped under itself when the sidebar is too narrow for it (never cut)."""
        return _row(Text.assemble(f"{number} ", (GLYPHS.get(status, " "), "bold"), " "), localize(title))

    def on_click(self) -> None:
        self.post_message(StepSidebar.JumpRequested(self.step_id))


class StepSidebar(Vertical):
    """Data down: rows from `Machine.summary()` and the current position; messages up: JumpRequested."""

    class JumpRequested(Message):
        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id

    def __init__(self, rows: list[tuple[str, int, str, str, str]], position: str) -> None:
        super().__init__(id="sidebar")
        self.rows = rows
        self.position = position

    def compose(self) -> ComposeResult:
        yield Static(localize(M("Steps")), classes="sidebar-title")
        for step_id, number, title, status, description in self.rows:
            shown = "current" if step_id == self.position else status
            link = StepLink(step_id, number, title, shown, description)
            if step_id == self.position:
                link.add_class("-here")
            yield link
        for marker, title in (("review", M("Review")), ("done", M("Done"))):
            yield Static(_row(Text.assemble("  ", ("▶" if self.position == marker else " ", "bold"), " "),
                              localize(title)),
                         classes="step-link -final" + (" -here" if self.position == marker else ""))
        yield Static(localize(LEGEND), classes="sidebar-legend")


def _row(marker: Text, title: str) -> Table:
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(marker, title)
    return grid


def sidebar_rows(machine) -> list[tuple[str, int, str, str, str]]:
    """(id, number, title, status, description) for every step, from the machine's summary."""
    return [(step.id, step.number, step.title, status, description)
            for step, status, description in machine.summary()]
