"""The sign-in panel: one small state machine, idle -> waiting -> (checking ->) signed in | failed.

Each state shows its own text and nothing else: idle says what Sign in will do; waiting shows the
address (shortened, an OSC 8 hyperlink; the whole of it one key away; Copy) or the device code, the
paste box with its label, and the countdown; checking says the pasted address is being checked;
signed in says who; failed shows the error and puts focus on Try again. `reset()` (a new method,
Back) cancels a running attempt and returns to idle.

`sign_in` (wizard.auth.signin) runs in a thread worker; its events come back as messages through
`call_from_thread`. Going back, jumping, switching method or quitting sets the cancel Event.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Static

from screens.notice import Notice
from screens.text import sentence
from wizard.i18n import MC, M, localize

if TYPE_CHECKING:
    from wizard.auth.browser import Launch

IDLE, WAITING, CHECKING, SIGNED_IN, FAILED = "idle", "waiting", "checking", "signed-in", "failed"
STATES = (IDLE, WAITING, CHECKING, SIGNED_IN, FAILED)

# What Sign in will do, per method (the idle state's one line).
STARTS = {"browser": M("Sign in opens the sign-in page in your browser; it comes back here by itself."),
          "device": M("Sign in shows a short code to enter on any device with a browser."),
          "paste": M("Sign in shows an address to open in any browser; paste back the address it lands on.")}
WAITING_FOR = {"browser": M("Waiting for the browser (or a pasted address)"),
               "device": M("Waiting for the code to be entered"),
               "paste": M("Waiting for the pasted address")}
AFTER_FAILURE = M("Press Try again, choose another method above, or press Esc and pick Skip for now to finish "
                  "without it.")
URL_MARK = "\x00"  # where the device-code address goes in its translated sentence


def countdown(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def short_url(url: str, width: int) -> str:
    """The address cut to `width` cells, its end marked: the whole value is one key away."""
    return url if len(url) <= width else url[:max(1, width - 1)] + "…"


def link(text: str, url: str) -> Text:
    """`text` as a terminal hyperlink (OSC 8) to `url`."""
    return Text(text, style=Style(link=url, underline=True))


class PanelEvents:
    """SignInEvents for the panel: called on the worker thread, forwarded as messages to the UI thread."""

    def __init__(self, panel: SignInPanel, attempt: int) -> None:
        self.panel = panel
        self.attempt = attempt

    def _send(self, message: SignInPanel.FromWorker) -> None:
        message.attempt = self.attempt
        try:
            self.panel.app.call_from_thread(self.panel.post_message, message)
        except RuntimeError:
            pass  # the app is closing; the cancel Event stops the flow

    def authorize_url(self, url: str) -> None:
        self._send(SignInPanel.UrlReady(url))

    def browser_launch(self, launch: Launch, callback_port: int | None) -> None:
        if launch.message:
            self.message(launch.message)

    def device_code(self, user_code: str, verification_uri: str) -> None:
        self._send(SignInPanel.DeviceCode(user_code, verification_uri))

    def waiting(self, deadline: float) -> None:
        self._send(SignInPanel.Waiting(deadline))

    def message(self, text: str) -> None:
        self._send(SignInPanel.Note(text))

    def paste_rejected(self, reason: str) -> None:
        self._send(SignInPanel.PasteRejected(reason))


class SignInPanel(Vertical):
    state: reactive[str] = reactive(IDLE, init=False)

    # --- from the worker (each tagged with its attempt: a stale attempt's messages are dropped) ---
    class FromWorker(Message):
        attempt = 0

    class UrlReady(FromWorker):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class DeviceCode(FromWorker):
        def __init__(self, user_code: str, verification_uri: str) -> None:
            super().__init__()
            self.user_code = user_code
            self.verification_uri = verification_uri

    class Waiting(FromWorker):
        def __init__(self, deadline: float) -> None:
            super().__init__()
            self.deadline = deadline

    class Note(FromWorker):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class PasteRejected(Note):
        pass

    class UsageLine(FromWorker):
        """The signed-in account's usage windows (`openai-codex usage: 5h 100% left ...`), when they could be read."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Finished(FromWorker):
        def __init__(self, record: dict | None, error: str | None) -> None:
            super().__init__()
            self.record = record
            self.error = error

    # --- up to the screen -------------------------------------------------------------------
    class StartRequested(Message):
        """Sign in / Try again was pressed: the screen asks the machine before anything starts."""

    class SignedIn(Message):
        def __init__(self, record: dict) -> None:
            super().__init__()
            self.record = record

    def __init__(self, method: str, provider_label: str = "ChatGPT", *, clock: Callable[[], float] = time.monotonic,
                 blink: bool = True, browser: str | None = None, browser_opens: bool = True) -> None:
        super().__init__(id="signin")
        self.clock = clock
        self.blink = blink
        self.browser = browser
        self.browser_opens = browser_opens
        self.provider_label = provider_label
        self.method = method
        self.url = ""
        self.whole_url = False
        self.deadline: float | None = None
        self.attempt = 0
        self.paste_queue: queue.Queue[str] = queue.Queue()
        self.cancel_event = threading.Event()
        self.record: dict | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="signin-status")
        with Vertical(id="signin-link"):
            yield Static("", id="signin-url")
            with Horizontal(id="signin-link-actions"):
                yield Button(localize(M("Copy")), id="signin-copy", compact=True)
                yield Button(localize(M("Whole address")), id="signin-whole", compact=True)
                open_button = Button(localize(M("Open browser")), id="signin-open", compact=True)
                open_button.display = self.browser_opens
                yield open_button
        with Vertical(id="signin-paste-box"):
            yield Static(localize(M("Paste the address you land on (or the code), then Enter:")),
                         id="signin-paste-label")
            paste = Input(placeholder=localize(M("e.g. {example}", example="http://127.0.0.1:1455/auth/callback?code=…")),
                          id="signin-paste",
                          compact=True)
            paste.cursor_blink = self.blink
            yield paste
        yield Notice("", id="signin-note")
        yield Notice("", id="signin-error")
        yield Notice("", id="signin-extra")  # one more line after sign-in (e.g. usage left), set by show_extra
        with Horizontal(id="signin-actions"):
            yield Button(localize(M("Sign in")), id="signin-start", variant="primary", compact=True)
            yield Button(localize(M("Cancel sign-in")), id="signin-cancel", compact=True)

    def on_mount(self) -> None:
        self.border_title = localize(self.provider_label)
        self.set_interval(1.0, self.tick)
        self.go(IDLE)

    # --- the state machine -----------------------------------------------------------------------

    def go(self, state: str, *, status: str | Text = "", error: str | Text = "") -> None:
        """Enter `state`: its classes (which parts show), its status line; every other text cleared."""
        self.state = state
        for name in STATES:
            self.set_class(name == state, f"-{name}")
        self.set_class(self.method != "device", "-pasteable")
        shown = status or self._status_for(state)
        self._set("#signin-status", localize(shown) if isinstance(shown, str) else shown)
        self._set("#signin-note", "")
        self._set("#signin-error", localize(error) if isinstance(error, str) else error)
        if state != SIGNED_IN:
            self._set("#signin-extra", "")
        if state in (IDLE, FAILED):
            self.url, self.deadline, self.whole_url = "", None, False
            self._set("#signin-url", "")
            self.set_class(False, "-has-link")
        self.query_one("#signin-start", Button).label = localize(M("Try again") if state == FAILED else M("Sign in"))
        if state == FAILED:
            self.query_one("#signin-start", Button).focus()
        if self.is_mounted:
            self.screen.refresh_bindings()  # the keys shown depend on the state (Next after signing in)

    def _status_for(self, state: str) -> str:
        return localize({IDLE: STARTS.get(self.method, M("Sign in starts it.")), WAITING: M("Starting sign-in…"),
                         CHECKING: M("Checking the pasted address…"),
                         FAILED: M("Sign-in did not complete; nothing was stored.")}.get(state, ""))

    @property
    def signed_in(self) -> bool:
        return self.state == SIGNED_IN

    def start(self, provider: str, options) -> None:
        """Begin a sign-in for `provider` with SignInOptions `options` (a fresh attempt each time)."""
        if self.state in (WAITING, CHECKING):
            return
        self.cancel()
        self.attempt += 1
        self.cancel_event = threading.Event()
        self.paste_queue = queue.Queue()
        self.method = options.method
        self.go(WAITING)
        self.run_sign_in(provider, options, self.paste_queue, self.cancel_event, self.attempt)

    def reset(self, method: str) -> None:
        """The method (or provider) changed: stop the attempt under way and start over from idle."""
        self.cancel()
        self.attempt += 1  # whatever the old attempt still sends is dropped
        self.method = method
        self.go(IDLE)

    def cancel(self) -> None:
        self.cancel_event.set()

    def blocked(self) -> None:
        """The sign-in could not start (the screen shows why): offer Try again."""
        self.cancel()
        self.go(FAILED, status=M("Sign-in did not start; nothing was opened or stored."))

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def run_sign_in(self, provider: str, options, paste: queue.Queue, cancel: threading.Event, attempt: int) -> None:
        from wizard.errors import WizardError

        record, error = None, None
        events = PanelEvents(self, attempt)
        try:
            from wizard.auth.signin import sign_in

            record = sign_in(provider, options, events, paste=paste, cancel=cancel)
        except WizardError as exc:
            error = sentence(exc.message)  # on screen: the message; the command-line hint does not apply here
        except Exception as exc:  # a bug or an unexpected network failure: shown, never a crash
            error = f"{type(exc).__name__}: {exc}"
        if not cancel.is_set() or record is not None:
            events._send(self.Finished(record, error))
        if record is not None and not cancel.is_set():
            from wizard.auth.usage import line_after_sign_in

            line = line_after_sign_in(provider, record)
            if line:
                events._send(self.UsageLine(line))

    # --- worker messages ------------------------------------------------------------------

    def current(self, message: FromWorker) -> bool:
        """Messages of an attempt that was reset or replaced arrive late: none of them may change the panel."""
        message.stop()
        return message.attempt == self.attempt and self.state in (WAITING, CHECKING)

    def on_sign_in_panel_url_ready(self, message: UrlReady) -> None:
        if not self.current(message):
            return
        self.url = message.url
        self.show_url()
        self.set_class(True, "-has-link")
        self.screen.refresh_bindings()
        self.query_one("#signin-whole", Button).display = True
        self.call_after_refresh(self.scroll_visible, top=True, animate=False)
        if self.method != "device":
            self.query_one("#signin-paste", Input).focus(scroll_visible=False)

    def on_sign_in_panel_device_code(self, message: DeviceCode) -> None:
        if not self.current(message):
            return
        self.url = message.verification_uri
        before, _, after = localize(M("Open {url} on any device and enter", url=URL_MARK)).partition(URL_MARK)
        text = Text.assemble(before, link(message.verification_uri, message.verification_uri),
                             after + "\n", (f"  {message.user_code}  ", "bold reverse"))
        self._set("#signin-url", text)
        self.set_class(True, "-has-link")
        self.query_one("#signin-whole", Button).display = False  # short already
        self.call_after_refresh(self.scroll_visible, top=True, animate=False)

    def on_sign_in_panel_waiting(self, message: Waiting) -> None:
        if not self.current(message):
            return
        self.deadline = message.deadline
        self.tick()

    def on_sign_in_panel_paste_rejected(self, message: PasteRejected) -> None:
        if not self.current(message):
            return
        self.state = WAITING
        self.set_class(False, "-checking")
        self.set_class(True, "-waiting")
        self.tick()
        self._set("#signin-error", Text(localize(M("Not accepted: {reason}. Paste again.", reason=message.text)),
                                         overflow="fold"))

    def on_sign_in_panel_note(self, message: Note) -> None:
        if not self.current(message):
            return
        self._set("#signin-note", Text(sentence(message.text), overflow="fold"))

    def on_sign_in_panel_finished(self, message: Finished) -> None:
        message.stop()
        if message.attempt != self.attempt:
            return
        if message.record is not None:
            self.record = message.record
            self.go(SIGNED_IN, status=self.success_text(message.record))
            self.post_message(self.SignedIn(message.record))
        else:
            error = sentence(message.error or M("Sign-in stopped."))
            self.go(FAILED, error=Text(f"{error}\n{localize(AFTER_FAILURE)}", overflow="fold"))

    def on_sign_in_panel_usage_line(self, message: UsageLine) -> None:
        message.stop()
        if message.attempt == self.attempt:
            self.show_extra(Text(localize(message.text), overflow="fold"))

    def show_extra(self, text: str | Text) -> None:
        """One more status line after sign-in (e.g. how much usage is left); shown only while signed in."""
        if self.state == SIGNED_IN:
            self._set("#signin-extra", text)

    @staticmethod
    def success_text(record: dict) -> Text:
        who = MC("signed-in panel", " as {email}", email=record["email"]) if record.get("email") else ""
        plan = M(" ({plan} plan)", plan=record["plan"]) if record.get("plan") else ""
        return Text(localize(M("✔ Signed in{who}{plan}. Credentials are stored; press Enter for Next.",
                               who=who, plan=plan)), style="bold")

    def tick(self) -> None:
        if self.state != WAITING or self.deadline is None:
            return
        left = countdown(self.deadline - self.clock())
        waiting = WAITING_FOR.get(self.method, M("Waiting"))
        self._set("#signin-status", localize(M("{waiting}… {left} left", waiting=waiting, left=left)))

    # --- the address --------------------------------------------------------------------------

    def show_url(self) -> None:
        """One line, cut with …, unless the whole address was asked for (it then folds)."""
        if not self.url or self.method == "device":
            return  # a device code's short address is shown with the code
        if self.whole_url:
            text = link(self.url, self.url)
            text.overflow = "fold"
        else:
            width = max(20, self.query_one("#signin-url", Static).content_region.width or 60)
            text = link(short_url(self.url, width), self.url)
            text.no_wrap = True
        self._set("#signin-url", text)
        self.query_one("#signin-whole", Button).label = localize(M("Shorten") if self.whole_url else M("Whole address"))

    def toggle_whole_url(self) -> None:
        if self.url and self.method != "device":
            self.whole_url = not self.whole_url
            self.show_url()

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_url)

    # --- user actions -----------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text and self.state == WAITING:
            self.paste_queue.put(text)
            self.state = CHECKING
            self.set_class(False, "-waiting")
            self.set_class(True, "-checking")
            self._set("#signin-status", self._status_for(CHECKING))
            self._set("#signin-error", "")
            self._set("#signin-note", "")
        event.input.value = ""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"signin-copy": self.copy_url, "signin-open": self.open_url, "signin-cancel": self.stop_by_user,
                   "signin-whole": self.toggle_whole_url,
                   "signin-start": lambda: self.post_message(self.StartRequested())}
        action = actions.get(event.button.id or "")
        if action:
            event.stop()
            action()

    def stop_by_user(self) -> None:
        self.reset(self.method)
        self._set("#signin-status", localize(M("Sign-in cancelled; nothing was stored. {then}",
                                              then=STARTS.get(self.method, ""))))
        self.query_one("#signin-start", Button).focus()

    def copy_url(self) -> None:
        if not self.url:
            return
        from wizard.auth import clipboard

        if not clipboard.copy(self.url):
            self.app.copy_to_clipboard(self.url)  # OSC 52: the terminal's clipboard, also over SSH
        self._set("#signin-note", localize(M("Copied the whole address to the clipboard.")))

    def open_url(self) -> None:
        if not self.url:
            return
        from wizard.auth import browser

        self._set("#signin-note", Text(sentence(browser.open_url(self.url, self.browser).message), overflow="fold"))

    def on_unmount(self) -> None:
        self.cancel()

    def _set(self, selector: str, content) -> None:
        self.query_one(selector, Static).update(content)
