"""The sign-in phase: the machine asked for a sign-in; this screen performs it with the panel.

On arrival it asks the App to begin (the machine's writability pre-check comes first, so a
problem shows here before any browser opens); Try again asks again. Choosing another method above
the panel asks the App to answer the method again through the machine: the attempt under way is
cancelled, the panel reset, and the new method begins. Next is for after success.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from screens.base import WizardScreen
from screens.inputs import ChoiceButton, ChoiceSet
from screens.notice import Notice
from screens.signin_panel import CHECKING, WAITING, SignInPanel
from wizard.i18n import M, localize


class SignInScreen(WizardScreen):
    BINDINGS = [
        Binding("ctrl+o", "whole_url", M("Whole address")),
        Binding("ctrl+y", "copy_url", M("Copy")),
    ]

    class BeginRequested(Message):
        """Ask the machine for the sign-in (pre-check included) and start it."""

    class MethodChanged(Message):
        """Another way to sign in was chosen: the App answers the method again through the machine."""

        def __init__(self, method: str) -> None:
            super().__init__()
            self.method = method

    class NextRequested(Message):
        """Signed in: go on to what the machine says is next (review)."""

    def __init__(self, machine, provider_label: str, method: str, *, clock, blink: bool = True,
                 browser: str | None = None, browser_opens: bool = True) -> None:
        super().__init__(machine, "sign-in", sidebar_position="authorization")
        self.provider_label = provider_label
        self.method = method
        self.clock = clock
        self.blink = blink
        self.browser = browser
        self.browser_opens = browser_opens  # no Open browser button where none can open

    def compose_body(self) -> ComposeResult:
        step = self.machine.step_named("authorization")
        yield Static(localize(M("Step {number} of {count} · {title} · sign in", number=step.number,
                                count=len(self.machine.steps), title=step.title)), id="step-title")
        yield Static(localize(M("Tokens are stored the moment they arrive.")), id="step-summary")
        with VerticalScroll(id="form"):
            with Horizontal(id="signin-method-row"):
                yield Static(localize(M("Method:")), classes="field-label")
                yield ChoiceSet(*[ChoiceButton(localize(label), value=value == self.method, id=f"method-{value}")
                                  for value, label in self.machine.sign_in_methods()], id="signin-method")
            yield Notice(localize(self.machine.sign_in_note() or ""), id="signin-method-note", classes="field-note")
            yield SignInPanel(self.method, self.provider_label, clock=self.clock, blink=self.blink,
                              browser=self.browser, browser_opens=self.browser_opens)
        yield Notice("", id="step-error")
        with Horizontal(id="nav"):
            yield Button(localize(M("Back")), id="back", disabled=not self.can_go_back(), compact=True)
            yield Static("", classes="nav-spacer")
            yield Button(localize(M("Next")), id="next", variant="primary", compact=True, disabled=True)

    @property
    def panel(self) -> SignInPanel:
        return self.query_one(SignInPanel)

    def prepare(self) -> None:
        self.query_one("#signin-method", ChoiceSet).focus()
        self.post_message(self.BeginRequested())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        if action == "next":
            return self.panel.signed_in
        showing_url = self.panel.state in (WAITING, CHECKING) and bool(self.panel.url)
        if action == "whole_url":
            return showing_url and self.panel.method != "device"
        if action == "copy_url":
            return showing_url
        return True

    # --- from the App ---------------------------------------------------------------------------

    def show_step_error(self, text: str) -> None:
        """The machine refused to start (its pre-check): nothing was opened, nothing stored."""
        self.query_one("#step-error", Static).update(text)
        self.panel.blocked()
        self.refresh_bindings()

    def method_changed(self, method: str, note: str | None) -> None:
        """The machine took the new method: the panel starts over (the App then begins again)."""
        self.method = method
        self.query_one("#step-error", Static).update("")
        self.query_one("#signin-method-note", Notice).update(localize(note or ""))
        self.panel.reset(method)
        self.refresh_bindings()

    # --- events -----------------------------------------------------------------------------

    def on_radio_set_changed(self, event: ChoiceSet.Changed) -> None:
        event.stop()
        method = (event.pressed.id or "").removeprefix("method-")
        if method and method != self.method:
            self.post_message(self.MethodChanged(method))

    def on_sign_in_panel_start_requested(self, message: SignInPanel.StartRequested) -> None:
        message.stop()
        self.query_one("#step-error", Static).update("")
        self.post_message(self.BeginRequested())

    def on_sign_in_panel_signed_in(self, message: SignInPanel.SignedIn) -> None:
        for done_with in ("#signin-method-row", "#signin-method-note"):  # signed in: no other method to choose
            self.query_one(done_with).display = False
        next_button = self.query_one("#next", Button)
        next_button.disabled = False
        next_button.focus()
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_next(self) -> None:
        if self.panel.signed_in:
            self.post_message(self.NextRequested())

    def action_whole_url(self) -> None:
        self.panel.toggle_whole_url()

    def action_copy_url(self) -> None:
        self.panel.copy_url()

    def leave(self) -> None:
        """Going back, jumping or quitting: stop a sign-in that is still waiting."""
        self.panel.cancel()
