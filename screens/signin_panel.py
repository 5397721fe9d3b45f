"""The sign-in part of the Authorization screen: URL with Copy/Open, paste box, countdown, result.

`sign_in` (wizard.auth.signin) runs in a thread worker; its events come back as messages
through `call_from_thread`. Going back, jumping or quitting sets the cancel Event.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Static

from screens.notice import Notice

if TYPE_CHECKING:
    from wizard.auth.browser import Launch

STATES = ("idle", "running", "signed-in", "failed")


def countdown(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class PanelEvents:
    """SignInEvents for the panel: called on the worker thread, forwarded as messages to the UI thread."""

    def __init__(self, panel: SignInPanel) -> None:
        self.panel = panel

    def _send(self, message: Message) -> None:
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
    state: reactive[str] = reactive("idle")

    # --- from the worker ------------------------------------------------------------------
    class UrlReady(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class DeviceCode(Message):
        def __init__(self, user_code: str, verification_uri: str) -> None:
            super().__init__()
            self.user_code = user_code
            self.verification_uri = verification_uri

    class Waiting(Message):
        def __init__(self, deadline: float) -> None:
            super().__init__()
            self.deadline = deadline

    class Note(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class PasteRejected(Note):
        pass

    class UsageLine(Message):
        """The signed-in account's usage windows (`openai-codex usage: 5h 100% left ...`), when they could be read."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Finished(Message):
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

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, blink: bool = True,
                 browser: str | None = None) -> None:
        super().__init__(id="signin", classes="-idle")
        self.clock = clock
        self.blink = blink
        self.browser = browser
        self.url = ""
        self.method = "browser"
        self.deadline: float | None = None
        self.paste_queue: queue.Queue[str] = queue.Queue()
        self.cancel_event = threading.Event()
        self.record: dict | None = None

    def compose(self) -> ComposeResult:
        yield Static("Not signed in yet. Sign in opens the page; you can also copy the address.",
                     id="signin-status")
        with Vertical(id="signin-link"):
            yield Static("", id="signin-url")
            with Horizontal(id="signin-link-actions"):
                yield Button("Copy URL", id="signin-copy", compact=True)
                yield Button("Open browser", id="signin-open", compact=True)
        paste = Input(placeholder="paste the address the browser landed on (or the code), then Enter",
                      id="signin-paste", compact=True)
        paste.cursor_blink = self.blink
        yield paste
        yield Notice("", id="signin-note")
        yield Notice("", id="signin-error")
        with Horizontal(id="signin-actions"):
            yield Button("Sign in", id="signin-start", variant="primary", compact=True)
            yield Button("Cancel sign-in", id="signin-cancel", compact=True)

    def on_mount(self) -> None:
        self.border_title = "Sign in with ChatGPT"
        self.set_interval(1.0, self.tick)

    # --- state ------------------------------------------------------------------------------

    def watch_state(self, state: str) -> None:
        for name in STATES:
            self.set_class(name == state, f"-{name}")
        start = self.query_one("#signin-start", Button)
        start.label = "Try again" if state == "failed" else "Sign in"

    @property
    def signed_in(self) -> bool:
        return self.state == "signed-in"

    def start(self, provider: str, options) -> None:
        """Begin a sign-in for `provider` with SignInOptions `options` (a fresh attempt each time)."""
        if self.state == "running":
            return
        self.cancel()
        self.cancel_event = threading.Event()
        self.paste_queue = queue.Queue()
        self.method = options.method
        self.url, self.deadline = "", None
        self._set("#signin-url", "")
        self._set("#signin-note", "")
        self._set("#signin-error", "")
        self.set_class(False, "-has-link")
        self.set_class(options.method != "device", "-pasteable")
        self._set("#signin-status", "Starting sign-in…")
        self.state = "running"
        self.run_sign_in(provider, options, self.paste_queue, self.cancel_event)

    def cancel(self) -> None:
        self.cancel_event.set()

    def blocked(self) -> None:
        """The sign-in could not start (the screen shows why): offer Try again."""
        self.cancel()
        self.deadline = None
        self.state = "failed"
        self._set("#signin-status", "Sign-in did not start; nothing was opened or stored.")

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def run_sign_in(self, provider: str, options, paste: queue.Queue, cancel: threading.Event) -> None:
        from wizard.errors import WizardError

        record, error = None, None
        try:
            from wizard.auth.signin import sign_in

            record = sign_in(provider, options, PanelEvents(self), paste=paste, cancel=cancel)
        except WizardError as exc:
            error = exc.render().removeprefix("error: ")
        except Exception as exc:  # a bug or an unexpected network failure: shown, never a crash
            error = f"{type(exc).__name__}: {exc}"
        if not cancel.is_set() or record is not None:
            PanelEvents(self)._send(self.Finished(record, error))
        if record is not None and not cancel.is_set():
            from wizard.auth.usage import line_after_sign_in

            line = line_after_sign_in(provider, record)
            if line:
                PanelEvents(self)._send(self.UsageLine(line))

    # --- worker messages ------------------------------------------------------------------

    def on_sign_in_panel_url_ready(self, message: UrlReady) -> None:
        message.stop()
        self.url = message.url
        self._set("#signin-url", Text(message.url, overflow="fold"))
        self.set_class(True, "-has-link")
        self.query_one("#signin-open", Button).display = True
        self.call_after_refresh(self.scroll_visible, top=True, animate=False)
        if self.method != "device":
            self.query_one("#signin-paste", Input).focus(scroll_visible=False)

    def on_sign_in_panel_device_code(self, message: DeviceCode) -> None:
        message.stop()
        self.url = message.verification_uri
        text = Text.assemble("Open ", (message.verification_uri, "underline"), " on any device and enter\n",
                             (f"  {message.user_code}  ", "bold reverse"))
        self._set("#signin-url", text)
        self.set_class(True, "-has-link")
        self.query_one("#signin-open", Button).display = True
        self.call_after_refresh(self.scroll_visible, top=True, animate=False)

    def on_sign_in_panel_waiting(self, message: Waiting) -> None:
        message.stop()
        self.deadline = message.deadline
        self.tick()

    def on_sign_in_panel_paste_rejected(self, message: PasteRejected) -> None:
        message.stop()
        self._set("#signin-error", Text(f"Not accepted: {message.text}. Paste again.", overflow="fold"))

    def on_sign_in_panel_note(self, message: Note) -> None:
        message.stop()
        self._set("#signin-note", Text(message.text, overflow="fold"))

    def on_sign_in_panel_finished(self, message: Finished) -> None:
        message.stop()
        self.deadline = None
        if message.record is not None:
            self.record = message.record
            self.state = "signed-in"
            self._set("#signin-status", self.success_text(message.record))
            self._set("#signin-error", "")
            self.post_message(self.SignedIn(message.record))
        else:
            self.state = "failed"
            self._set("#signin-status", "Sign-in did not complete; nothing was stored.")
            self.show_error(message.error or "sign-in stopped")

    def on_sign_in_panel_usage_line(self, message: UsageLine) -> None:
        message.stop()
        self.set_usage_line(message.text)

    def set_usage_line(self, text: str) -> None:
        """Show the account's usage under the success message (the note line is free once signed in)."""
        if self.signed_in:
            self._set("#signin-note", Text(text, overflow="fold"))

    def show_error(self, text: str) -> None:
        """The one place sign-in errors appear, verbatim."""
        self._set("#signin-error", Text(text, overflow="fold"))

    @staticmethod
    def success_text(record: dict) -> Text:
        who = f" as {record['email']}" if record.get("email") else ""
        plan = f" ({record['plan']} plan)" if record.get("plan") else ""
        return Text(f"✔ Signed in{who}{plan}. Credentials are stored; press Next.", style="bold")

    def tick(self) -> None:
        if self.state != "running" or self.deadline is None:
            return
        left = countdown(self.deadline - self.clock())
        if self.method == "device":
            waiting = "Waiting for the code to be entered"
        else:
            waiting = "Waiting for the browser (or a paste)"
        self._set("#signin-status", f"{waiting}… {left} left")

    # --- user actions -----------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text and self.state == "running":
            self.paste_queue.put(text)
            self._set("#signin-error", "")
            self._set("#signin-note", "Checking the pasted address…")
        event.input.value = ""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"signin-copy": self.copy_url, "signin-open": self.open_url, "signin-cancel": self.stop_by_user,
                   "signin-start": lambda: self.post_message(self.StartRequested())}
        action = actions.get(event.button.id or "")
        if action:
            event.stop()
            action()

    def stop_by_user(self) -> None:
        self.cancel()
        self.deadline = None
        self.state = "idle"
        self._set("#signin-status", "Sign-in cancelled; nothing was stored. Sign in to start again.")

    def copy_url(self) -> None:
        if not self.url:
            return
        from wizard.auth import clipboard

        if not clipboard.copy(self.url):
            self.app.copy_to_clipboard(self.url)  # OSC 52: the terminal's clipboard, also over SSH
        self._set("#signin-note", "Copied the address to the clipboard.")

    def open_url(self) -> None:
        if not self.url:
            return
        from wizard.auth import browser

        self._set("#signin-note", Text(browser.open_url(self.url, self.browser).message, overflow="fold"))

    def on_unmount(self) -> None:
        self.cancel()

    def _set(self, selector: str, content) -> None:
        self.query_one(selector, Static).update(content)
