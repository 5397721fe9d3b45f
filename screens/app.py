"""The onboarding App: routes the machine's position to a screen; transitions happen here only.

Screens post NextRequested / BackRequested / JumpRequested / FinishRequested up; this App asks
the machine (the same one the headless driver runs), then shows the screen for where it is now.
The machine decides when the sign-in is due; the App performs it as the headless driver does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from screens.base import WizardScreen
from screens.step_screen import StepScreen
from screens.text import screen_text, sentence
from wizard.errors import EXIT_CANCELLED, WizardError
from wizard.i18n import M, language, localize
from wizard.machine import DONE, REVIEW, SIGN_IN, Machine, StepInvalid
from wizard.request import OnboardRequest

if TYPE_CHECKING:
    from screens.done import DoneScreen
    from screens.review import ReviewScreen
    from screens.sidebar import StepSidebar
    from screens.signin_panel import SignInPanel
    from screens.signin_screen import SignInScreen

# The first screen is a step's: the other screens' modules load when they are first shown (issue 12).


class OnboardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "OpenClaw onboard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "request_quit", M("Quit"), priority=True),
        Binding("ctrl+c", "request_quit", M("Quit"), show=False, priority=True),
        Binding("q", "request_quit", M("Quit")),
        Binding("ctrl+t", "toggle_theme", M("Theme")),
    ]

    def __init__(self, machine: Machine, request: OnboardRequest | None = None, *,
                 clock: Callable[[], float] = time.monotonic, blink: bool = True, theme: str | None = None) -> None:
        super().__init__()
        self.machine = machine
        self.request = request or OnboardRequest()
        self.clock = clock
        self.blink = blink
        self.drafts: dict[str, dict[str, Any]] = {}
        self.written: list[str] = []
        self.notes: list[str] = []
        if theme:
            self.theme = theme
        self.add_class(f"-lang-{language()}")  # the stylesheet gives double-width languages a little more room
        if language() == "ja":
            from screens import linebreak

            linebreak.install()  # Japanese breaks between characters, not only at spaces

    @property
    def signed_in(self) -> bool:
        return self.machine.signed is not None

    # --- which screen ---------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.screen_for(self.machine.current))

    def show_current(self) -> None:
        self.switch_screen(self.screen_for(self.machine.current))

    def screen_for(self, position: str) -> WizardScreen:
        if position == REVIEW:
            from screens.review import ReviewScreen

            return ReviewScreen(self.machine, self.machine.plan())
        if position == DONE:
            from screens.done import DoneScreen

            return DoneScreen(self.machine, self.written, self.notes)
        if position == SIGN_IN:
            return self.sign_in_screen()
        presets = self.request.preset_values(position)
        initial = self.initial_values(position)
        return StepScreen(self.machine, position, initial, blink=self.blink,
                          focus_next=bool(presets))

    def sign_in_screen(self) -> SignInScreen:
        from screens.signin_screen import SignInScreen
        from wizard.auth.providers import all_providers

        target = self.machine.pending_sign_in()
        provider = all_providers().get(target.provider) if target else None
        options = self.request.signin.where_no_browser(self.machine.ctx.browser_blocked)
        return SignInScreen(self.machine, provider.label if provider else M("your provider"),
                            target.method if target else "browser", clock=self.clock, blink=self.blink,
                            browser=options.browser, browser_opens=not options.no_browser)

    def initial_values(self, step_id: str) -> dict[str, Any]:
        """What the fields show: this run's draft, else what the machine would prefill."""
        return {**self.machine.prefill(step_id, self.request.preset_values(step_id)), **self.drafts.get(step_id, {})}

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
        try:
            self.machine.skip()
        except WizardError as exc:
            self.notify(sentence(exc.message), title=localize(M("Cannot skip this step")), severity="warning")
            return
        self.drafts.pop(message.step_id, None)
        self.show_current()

    def on_wizard_screen_back_requested(self, message: WizardScreen.BackRequested) -> None:
        if self.machine.previous() is None:
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
            self.notify(sentence(exc.message), title=localize(M("Cannot go there")), severity="warning")
            return
        self.leave_screen(keep_draft=True)
        self.show_current()

    def leave_screen(self, keep_draft: bool = True) -> None:
        from screens.signin_screen import SignInScreen

        screen = self.screen
        if isinstance(screen, StepScreen) and keep_draft:
            self.drafts[screen.step_id] = screen.draft()
        if isinstance(screen, SignInScreen):
            screen.leave()

    # --- the sign-in phase: the machine's pre-check, then the panel performs it ---------------

    def on_sign_in_screen_begin_requested(self, message: SignInScreen.BeginRequested) -> None:
        from screens.signin_screen import SignInScreen

        screen = self.screen
        if not isinstance(screen, SignInScreen) or self.machine.current != SIGN_IN:
            return
        try:
            target = self.machine.begin_sign_in()
        except WizardError as exc:
            screen.show_step_error(screen_text(exc))
            return
        options = self.request.signin.with_method(target.method).where_no_browser(self.machine.ctx.browser_blocked)
        screen.panel.start(target.provider, options)

    def on_sign_in_screen_method_changed(self, message: SignInScreen.MethodChanged) -> None:
        """Another method: the machine takes the new answer (the rule is its), the panel starts over."""
        from screens.signin_screen import SignInScreen

        screen = self.screen
        if not isinstance(screen, SignInScreen) or self.machine.current != SIGN_IN:
            return
        try:
            target = self.machine.change_sign_in_method(message.method)
        except StepInvalid as exc:
            screen.show_step_error(sentence("; ".join(localize(error) for error in exc.errors.values())))
            return
        screen.method_changed(target.method, self.machine.sign_in_note())
        self.on_sign_in_screen_begin_requested(SignInScreen.BeginRequested())

    def on_sign_in_panel_signed_in(self, message: SignInPanel.SignedIn) -> None:
        if self.machine.current == SIGN_IN:
            self.machine.signed_in(message.record)

    def on_sign_in_screen_next_requested(self, message: SignInScreen.NextRequested) -> None:
        self.show_current()

    def on_review_screen_finish_requested(self, message: ReviewScreen.FinishRequested) -> None:
        from screens.review import ReviewScreen
        from wizard.plan import finish

        try:
            plan, written = finish(self.machine, self.request.save_answers)
        except WizardError as exc:
            screen = self.screen
            if isinstance(screen, ReviewScreen):
                screen.show_step_error(screen_text(exc))
            return
        self.written, self.notes = written, list(plan.notes)
        self.show_current()

    def on_done_screen_close_requested(self, message: DoneScreen.CloseRequested) -> None:
        self.exit(0)

    # --- quitting -------------------------------------------------------------------------------

    def action_request_quit(self) -> None:
        from screens.quit_modal import ConfirmQuit

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Behind the too-small notice only quitting works."""
        screen = self.screen
        if isinstance(screen, WizardScreen) and screen.too_small and action != "request_quit":
            return False
        return True

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def run_onboard(request: OnboardRequest, machine: Machine) -> int:
    """Run the TUI over `machine` (maybe already start_at()-ed); return the exit code."""
    app = OnboardApp(machine, request)
    code = app.run()
    return report_exit(app, code)


def report_exit(app: OnboardApp, code: int | None) -> int:
    """After the screen is gone, leave what happened in the terminal's scrollback."""
    from wizard.headless import report_written
    from wizard.output import Output

    out = Output()
    if code == 0 and app.machine.current == DONE:
        report_written(app.written, app.notes, out)
        return 0
    if app.signed_in:
        out.say(M("cancelled: nothing was written (the completed sign-in is stored)"))
    else:
        out.say(M("cancelled: nothing was written"))
    return EXIT_CANCELLED

