"""The onboarding App: routes the machine's current position to a screen; transitions happen here only.

Screens post NextRequested / BackRequested / JumpRequested / FinishRequested up; this App asks
the machine (the same one the headless driver runs), then shows the screen for where it is now.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

from textual.app import App
from textual.binding import Binding

from screens.authorization import AuthorizationScreen
from screens.base import WizardScreen
from screens.channels import ChannelsScreen
from screens.done import DoneScreen
from screens.existing import ExistingScreen
from screens.hatch import HatchScreen
from screens.hooks import HooksScreen
from screens.quickstart import QuickStartScreen
from screens.quit_modal import ConfirmQuit
from screens.review import ReviewScreen
from screens.sidebar import StepSidebar
from screens.skills import SkillsScreen
from screens.step_screen import StepScreen
from wizard.errors import EXIT_CANCELLED, WizardError
from wizard.machine import DONE, REVIEW, StepInvalid

STEP_SCREENS: dict[str, type[StepScreen]] = {cls.STEP_ID: cls for cls in (
    QuickStartScreen, ExistingScreen, ChannelsScreen, SkillsScreen, HooksScreen, HatchScreen, AuthorizationScreen)}


class OnboardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "OpenClaw onboard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
        Binding("ctrl+c", "request_quit", "Quit", show=False, priority=True),
        Binding("q", "request_quit", "Quit"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(self, machine, presets: dict | None = None, *, save_answers: Path | None = None,
                 signin_options: dict | None = None, clock: Callable[[], float] = time.monotonic,
                 blink: bool = True, theme: str | None = None) -> None:
        super().__init__()
        self.machine = machine
        self.presets = {step: {k: p.value for k, p in values.items()} for step, values in (presets or {}).items()}
        self.save_answers = save_answers
        self.signin_options = signin_options or {}
        self.clock = clock
        self.blink = blink
        self.drafts: dict[str, dict] = {}
        self.written: list[str] = []
        self.notes: list[str] = []
        self.signed_in = False
        self.started_on = machine.current
        if theme:
            self.theme = theme

    # --- which screen ---------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.screen_for(self.machine.current))

    def show_current(self) -> None:
        self.switch_screen(self.screen_for(self.machine.current))

    def screen_for(self, position: str) -> WizardScreen:
        if position == REVIEW:
            return ReviewScreen(self.machine, self.machine.plan())
        if position == DONE:
            return DoneScreen(self.machine, self.written, self.notes)
        cls = STEP_SCREENS[position]
        initial = self.initial_values(position)
        if cls is AuthorizationScreen:
            return cls(self.machine, initial, blink=self.blink, signin_options=self.signin_options,
                       clock=self.clock, focus_sign_in="auth_choice" in self.presets.get(position, {}))
        return cls(self.machine, initial, blink=self.blink)

    def initial_values(self, step_id: str) -> dict:
        """What the fields show: this run's draft, else what the machine would prefill."""
        return {**self.machine.prefill(step_id, self.presets.get(step_id)), **self.drafts.get(step_id, {})}

    # --- transitions (the only place the machine moves) --------------------------------------

    def on_step_screen_next_requested(self, message: StepScreen.NextRequested) -> None:
        try:
            self.machine.next(message.values)
        except StepInvalid as exc:
            screen = self.screen
            if isinstance(screen, StepScreen):
                screen.show_errors(exc.errors)
            return
        self.drafts.pop(message.step_id, None)
        self.show_current()

    def on_step_screen_skip_requested(self, message: StepScreen.SkipRequested) -> None:
        self.leave_screen(keep_draft=False)
        self.drafts.pop(message.step_id, None)
        self.machine.skip()
        self.show_current()

    def on_wizard_screen_back_requested(self, message: WizardScreen.BackRequested) -> None:
        if not self.machine.trail:
            return
        self.leave_screen()
        self.machine.back()
        self.show_current()

    def on_step_sidebar_jump_requested(self, message: StepSidebar.JumpRequested) -> None:
        if message.step_id == self.machine.current or self.machine.current == DONE:
            return
        try:
            self.machine.jump(message.step_id)
        except WizardError as exc:
            self.notify(exc.message, title="Cannot go there", severity="warning")
            return
        self.leave_screen(keep_draft=True)
        self.show_current()

    def leave_screen(self, keep_draft: bool = True) -> None:
        screen = self.screen
        if isinstance(screen, StepScreen) and keep_draft:
            self.drafts[screen.STEP_ID] = screen.draft()
        if isinstance(screen, AuthorizationScreen):
            self.signed_in = self.signed_in or screen.panel.signed_in
            screen.leave()

    def on_review_screen_finish_requested(self, message: ReviewScreen.FinishRequested) -> None:
        from wizard.plan import finish

        try:
            plan, written = finish(self.machine, self.save_answers)
        except WizardError as exc:
            self.screen.show_step_error(exc.render())
            return
        self.written, self.notes = written, list(plan.notes)
        self.machine.finish()
        self.show_current()

    def on_done_screen_close_requested(self, message: DoneScreen.CloseRequested) -> None:
        self.exit(0)

    # --- quitting -------------------------------------------------------------------------------

    def on_sign_in_panel_signed_in(self, message) -> None:
        self.signed_in = True

    def action_request_quit(self) -> None:
        if self.machine.current == DONE:
            self.exit(0)
            return
        if isinstance(self.screen, ConfirmQuit):
            return
        self.push_screen(ConfirmQuit(signed_in=self.signed_in), self.quit_confirmed)

    def quit_confirmed(self, leave: bool | None) -> None:
        if leave:
            self.leave_screen(keep_draft=False)
            self.machine.cancel()
            self.exit(EXIT_CANCELLED)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def signin_options_from(args) -> dict:
    """The sign-in flags as `models auth login` reads them; the method comes from the screen."""
    from wizard.commands.login import options_from

    options = vars(options_from(args))
    options.pop("method")
    return options


def run_onboard(args, machine, presets: dict) -> int:
    """Run the TUI over `machine` (maybe already start_at()-ed); return the exit code."""
    save = getattr(args, "save_answers", None)
    app = OnboardApp(machine, presets, save_answers=Path(save) if save else None,
                     signin_options=signin_options_from(args))
    code = app.run()
    return report_exit(app, code)


def report_exit(app: OnboardApp, code: int | None) -> int:
    """After the screen is gone, leave what happened in the terminal's scrollback."""
    if code == 0 and app.machine.current == DONE:
        from wizard.headless import Reporter, report_written

        report_written(app.written, app.notes, Reporter(json_mode=False))
        return 0
    message = "cancelled: nothing was written"
    if app.signed_in:
        message += " (the completed sign-in is stored)"
    print(message, file=sys.stderr)
    return EXIT_CANCELLED
