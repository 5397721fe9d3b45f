"""Done: what was written, the notes, and the next commands to run."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from screens.base import WizardScreen
from screens.bullet_list import BulletList
from screens.text import sentence
from wizard.i18n import M, localize
from wizard.render import short_path

NEXT_COMMANDS = (
    ("openclaw models status", M("check the default model and sign-ins")),
    ("openclaw onboard --step NAME", M("change one step later; the others are kept")),
)


class DoneScreen(WizardScreen):
    BINDINGS = [("enter", "close", M("Close"))]
    AUTO_FOCUS = None  # Enter is the screen's Close (shown in the footer); the button is there for the mouse

    class CloseRequested(Message):
        """Leave the wizard."""

    def __init__(self, machine, written: list[str], notes: list[str]) -> None:
        super().__init__(machine, "done")
        self.written = written
        self.notes = notes

    def compose_body(self) -> ComposeResult:
        yield Static(localize(M("Done · your gateway is set up")), id="step-title")
        yield Static(localize(M("Everything below has been written.")), id="step-summary")
        with VerticalScroll(id="form"):
            yield Static(localize(M("Written")), classes="field-label")
            nothing = M("Nothing: the configuration already said all of this")
            lines = [short_path(p) for p in self.written] or [localize(nothing)]
            yield BulletList(lines, id="written")
            if self.notes:
                yield Static(localize(M("Notes")), classes="field-label")
                yield BulletList([sentence(note) for note in self.notes], id="notes")
            # The heading, not the button: its own message (the same English word, another Japanese one)
            yield Static(localize(M("Next{heading}", heading="")), classes="field-label")
            yield Static(self.next_text(), id="next-commands")
        with Horizontal(id="nav"):
            yield Static("", classes="nav-spacer")
            yield Button(localize(M("Close")), id="next", variant="primary", compact=True)

    @staticmethod
    def next_text() -> Table:
        """Each command on its line, what it does under it (wrapping under itself, at any width)."""
        table = Table.grid()
        table.add_column(overflow="fold")
        for command, what in NEXT_COMMANDS:
            table.add_row(Text(f"$ {command}", style="bold"))
            table.add_row(Text(f"  {localize(what)}"))
        return table


    def action_close(self) -> None:
        self.post_message(self.CloseRequested())

    def action_next(self) -> None:
        self.action_close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """It is written: nothing to go back or jump to; Enter closes."""
        if action in ("back", "next", "jump"):
            return False
        return super().check_action(action, parameters)
