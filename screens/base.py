"""The frame every wizard screen shares: header with the config path, sidebar, body, footer.

The footer shows only the keys that do something on this screen (`check_action`); behind the
"needs more room" notice no key does anything but quit.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from screens.app_header import AppHeader
from screens.footer import LocalizedFooter
from screens.sidebar import StepSidebar, sidebar_rows
from wizard.i18n import M, localize
from wizard.steps import STEPS

MIN_WIDTH, MIN_HEIGHT = 60, 16
STEP_COUNT = len(STEPS)


def too_small_text(width: int, height: int) -> str:
    return localize(M("This terminal is {width}×{height}; the wizard needs at least {min_width}×{min_height}.\n\n"
                      "Make the window larger, or press Ctrl+Q to quit (nothing is written).",
                      width=width, height=height, min_width=MIN_WIDTH, min_height=MIN_HEIGHT))


class WizardScreen(Screen):
    """Subclasses yield their content from `compose_body`; navigation goes up as messages."""

    BINDINGS = [
        Binding("escape", "back", M("Back")),
        Binding("ctrl+n", "next", M("Next"), key_display="enter"),  # Enter is Next on every field too
        *[Binding(str(n), f"jump({n})", M("Jump"), show=n == 1, key_display=f"1-{STEP_COUNT}")
          for n in range(1, STEP_COUNT + 1)],
    ]

    class BackRequested(Message):
        """The user asked to go one step back."""

    def __init__(self, machine, position: str, *, sidebar_position: str | None = None) -> None:
        super().__init__()
        self.machine = machine
        self.position = position
        self.sidebar_position = sidebar_position or position  # the sign-in phase belongs to its step
        self.too_small = False
        self._focus_before_small: Widget | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader(str(self.machine.ctx.config_path))
        yield Static("", id="too-small")
        with Horizontal(id="frame"):
            yield StepSidebar(sidebar_rows(self.machine), self.sidebar_position)
            with Vertical(id="body"):
                yield from self.compose_body()
        yield LocalizedFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.prepare()
        self.update_size_notice()

    def prepare(self) -> None:
        """After mounting: subclasses set focus and fill in what depends on mounted widgets."""

    # --- which keys work here -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide (and disable) keys that would do nothing: every one behind the too-small notice."""
        if self.too_small:
            return False
        if action == "back":
            return self.can_go_back()
        return True

    def can_go_back(self) -> bool:
        return self.machine.previous() is not None

    # --- a terminal too small to draw in -----------------------------------------------------

    def on_resize(self) -> None:
        self.update_size_notice()

    def update_size_notice(self) -> None:
        width, height = self.app.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small:
            self.query_one("#too-small", Static).update(too_small_text(width, height))
        if small == self.too_small:
            return
        self.too_small = small
        self.set_class(small, "-too-small")
        frame = self.query_one("#frame")
        if small:  # nothing behind the notice takes a key: no focus, every field disabled
            self._focus_before_small = self.focused
            self.set_focus(None)
            frame.disabled = True
        else:
            frame.disabled = False
            if self._focus_before_small is not None and self._focus_before_small.is_attached:
                self.set_focus(self._focus_before_small)
        self.refresh_bindings()

    # --- navigation ---------------------------------------------------------------------------

    @on(Button.Pressed, "#next")
    def next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_next()

    @on(Button.Pressed, "#back")
    def back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    def action_back(self) -> None:
        self.post_message(self.BackRequested())

    def action_next(self) -> None:
        """Screens with a primary action override this."""

    def action_jump(self, number: int) -> None:
        for step in self.machine.steps:
            if step.number == number:
                self.post_message(StepSidebar.JumpRequested(step.id))
