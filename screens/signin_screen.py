"""The sign-in phase: the machine asked for a sign-in; this screen performs it with the panel.

On arrival it asks the App to begin (the machine's writability pre-check comes first, so a
problem shows here before any browser opens); Try again asks again. Next is for after success.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from screens.base import WizardScreen
from screens.notice import Notice
from screens.signin_panel import SignInPanel


class SignInScreen(WizardScreen):
    class BeginRequested(Message):
        """Ask the machine for the sign-in (pre-check included) and start it."""

    def __init__(self, machine, provider_label: str, *, clock, blink: bool = True,
                 browser: str | None = None) -> None:
        super().__init__(machine, "sign-in", sidebar_position="authorization")
        self.provider_label = provider_label
        self.clock = clock
        self.blink = blink
        self.browser = browser

    def compose_body(self) -> ComposeResult:
        step = self.machine.step_named("authorization")
        yield Static(f"Step {step.number} of {len(self.machine.steps)} · {step.title} · sign in", id="step-title")
        yield Static(f"Sign in to {self.provider_label}. Tokens are stored the moment they arrive.",
                     id="step-summary")
        with VerticalScroll(id="form"):
            yield SignInPanel(clock=self.clock, blink=self.blink, browser=self.browser)
        yield Notice("", id="step-error")
        with Horizontal(id="nav"):
            yield Button("Back", id="back", disabled=not self.machine.trail, compact=True)
            yield Static("", classes="nav-spacer")
            yield Button("Next", id="next", variant="primary", compact=True, disabled=True)

    @property
    def panel(self) -> SignInPanel:
        return self.query_one(SignInPanel)

    def prepare(self) -> None:
        self.post_message(self.BeginRequested())

    def show_step_error(self, text: str) -> None:
        """The machine refused to start (its pre-check): nothing was opened, nothing stored."""
        self.query_one("#step-error", Static).update(text)
        self.panel.blocked()
        self.query_one("#back", Button).focus()

    def on_sign_in_panel_start_requested(self, message: SignInPanel.StartRequested) -> None:
        message.stop()
        self.query_one("#step-error", Static).update("")
        self.post_message(self.BeginRequested())

    def on_sign_in_panel_signed_in(self, message: SignInPanel.SignedIn) -> None:
        next_button = self.query_one("#next", Button)
        next_button.disabled = False
        next_button.focus()

    def action_next(self) -> None:
        if self.panel.signed_in:
            self.post_message(self.NextRequested())

    class NextRequested(Message):
        """Signed in: go on to what the machine says is next (review)."""

    def leave(self) -> None:
        """Going back, jumping or quitting: stop a sign-in that is still waiting."""
        self.panel.cancel()
