"""Step screen: Authorization. The provider/method fields, plus the sign-in panel when the choice signs in.

Whether the choice signs in comes from the step's planned effects (`Effects.sign_in`), not from here.
"""

from __future__ import annotations

import time
from typing import Callable

from textual.app import ComposeResult
from textual.widgets import Button

from screens.signin_panel import SignInPanel
from screens.step_screen import StepScreen


class AuthorizationScreen(StepScreen):
    STEP_ID = "authorization"
    EXTRA_AFTER = "method"

    def __init__(self, machine, initial: dict, *, blink: bool = True,
                 signin_options: dict | None = None, clock: Callable[[], float] = time.monotonic,
                 focus_sign_in: bool = False) -> None:
        super().__init__(machine, initial, blink=blink)
        self.signin_options = dict(signin_options or {})
        self.clock = clock
        self.focus_sign_in = focus_sign_in
        self.target: tuple | None = None  # (provider, method) when the current draft signs in

    def compose_extra(self) -> ComposeResult:
        yield SignInPanel(clock=self.clock, blink=self.blink, browser=self.signin_options.get("browser"))

    @property
    def panel(self) -> SignInPanel:
        return self.query_one(SignInPanel)

    def initial_focus(self):
        if self.focus_sign_in and self.target:
            return self.query_one("#signin-start", Button)
        return super().initial_focus()

    # --- the draft decides whether the panel shows ------------------------------------------

    def on_draft_changed(self, draft: dict, errors: dict[str, str]) -> None:
        self.target = self.sign_in_target(draft, errors)
        panel = self.panel
        panel.display = self.target is not None
        if self.target is None and panel.state == "running":
            panel.stop_by_user()

    def sign_in_target(self, draft: dict, errors: dict[str, str]) -> tuple | None:
        if errors:
            return None
        typed, _ = self.machine.check(self.STEP_ID, draft)
        effects = self.step.plan(typed, self.machine.answers(self.STEP_ID, typed), self.machine.ctx)
        return effects.sign_in

    # --- Next: sign in first when the choice needs it -----------------------------------------

    def action_next(self) -> None:
        if self.target and not self.panel.signed_in:
            self.start_sign_in()
            return
        super().action_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "signin-start":
            event.stop()
            event.prevent_default()  # not Next: the base class handler must not see it
            self.start_sign_in()

    def start_sign_in(self) -> None:
        if self.target is None:
            self.show_errors(self.machine.check(self.STEP_ID, self.draft())[1])
            return
        from wizard.auth.signin import SignInOptions

        provider, method = self.target
        options = SignInOptions(method=method, **self.signin_options)
        self.panel.start(provider, options)

    def on_sign_in_panel_signed_in(self, message: SignInPanel.SignedIn) -> None:
        self.query_one("#next", Button).focus()

    def leave(self) -> None:
        """Going back, jumping or quitting: stop a sign-in that is still waiting."""
        self.panel.cancel()
