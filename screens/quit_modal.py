"""Quit confirmation: a typed modal that returns True to quit, False to keep going."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.footer import LocalizedFooter
from wizard.i18n import M, localize


class ConfirmQuit(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape,n", "stay", M("Keep going"), key_display="esc/n"),
        Binding("y", "leave", M("Quit")),
    ]

    def __init__(self, signed_in: bool = False) -> None:
        super().__init__()
        self.signed_in = signed_in

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-dialog"):
            yield Static(localize(M("Quit onboarding?")), id="quit-title")
            text = localize(M("Nothing will be written: your configuration stays exactly as it is."))
            if self.signed_in:
                text += "\n" + localize(M("The sign-in you completed is already stored."))
            yield Static(text, id="quit-text")
            with Horizontal(id="quit-buttons"):
                yield Button(localize(M("Keep going")), id="stay", variant="primary", compact=True)
                yield Button(localize(M("Quit")), id="leave", variant="error", compact=True)
        yield LocalizedFooter()  # this dialog's keys, over the screen's (which do nothing while it is open)

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(True)
