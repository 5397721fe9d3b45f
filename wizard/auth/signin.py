"""The one sign-in flow, for every front end.

`sign_in` runs a method to the end and stores the credential the moment tokens
arrive: `browser` (the loopback callback and a pasted redirect race, first valid
one wins), `paste` (no callback: a listener on a port the system picks serves only the
one-time link the browser is opened at), or `device` (a code entered on any device).
Before any of that, the store is checked (a sign-in that could not be kept is not begun);
from sending the code exchange to storing its answer, SIGINT/SIGTERM wait (signals.deferred).
The UI is a `SignInEvents`; `run_headless` is the one for stderr/stdin/JSON lines,
used by `openclaw models auth login` and by the onboard headless driver.
"""

from __future__ import annotations

import hmac
import math
import os
import queue
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from wizard import paths
from wizard.auth import providers, store
from wizard.auth.methods import NAMES as METHODS
from wizard.auth.providers import Provider
from wizard.auth.redirect import ProviderRefused, first_values, issuer_problem
from wizard.errors import Cancelled, StorageError, TimedOut, UsageError, WizardError
from wizard.i18n import M, Msg
from wizard.output import Output
from wizard.request import DEFAULT_SIGN_IN_TIMEOUT as DEFAULT_TIMEOUT
from wizard.request import SignInOptions

if TYPE_CHECKING:
    from collections.abc import Callable

    from wizard.auth.browser import Launch
    from wizard.auth.loopback import Arrival, CodeReceived
    from wizard.auth.store import Record

    Tokens = dict[str, Any]  # a token endpoint's answer
    Exchange = Callable[[str], Tokens]  # an authorization code for the tokens it brings

POLL_SECONDS = 0.1
PAGE_SEND_WAIT = 1.0
SIGN_IN_TOKENS = M("the new sign-in's tokens")
# A bare authorization code: one URL-safe token, no spaces.
BARE_CODE = re.compile(r"[A-Za-z0-9._~+/=\-]{16,4096}")
MAX_PASTE_LINE = 1 << 16


class SignInEvents(Protocol):
    """The UI side of a sign-in; called from the thread that runs `sign_in`."""

    def authorize_url(self, url: str) -> None: ...
    def browser_launch(self, launch: Launch, callback_port: int | None) -> None: ...
    def device_code(self, user_code: str, verification_uri: str) -> None: ...
    def waiting(self, deadline: float) -> None: ...
    def message(self, text: str) -> None: ...
    def paste_rejected(self, reason: str) -> None: ...


class SignInFailed(WizardError):
    code = "SIGN_IN_FAILED"


def provider_refused(refused: ProviderRefused) -> SignInFailed:
    """The provider sent the browser back with an error: its own code and words, as it sent them."""
    return SignInFailed(M("the provider did not complete the sign-in: {reason}", reason=refused.text),
                        hint=M("start the sign-in again to retry"))


# --------------------------------------------------------------------------- reading a paste

@dataclass(frozen=True)
class PastedCode:
    code: str = field(repr=False)
    state_checked: bool = True


@dataclass(frozen=True)
class PasteRejected:
    reason: str


def read_paste(text: str, state: str, redirect_uri: str = "", *, issuer: str = "",
               iss_required: bool = False) -> PastedCode | PasteRejected | ProviderRefused | None:
    """What a pasted line means: the redirect URL (or its query), `code#state`, a bare code, or garbage.

    A pasted address is checked exactly as the loopback checks the callback (state, then the RFC 9207
    `iss`). Reasons never quote the pasted text: it may be a secret pasted by mistake."""
    text = text.strip().strip("'\"<>").strip()
    if not text:
        return None
    where = M(" (it starts with {redirect_uri})", redirect_uri=redirect_uri) if redirect_uri else ""
    if "://" in text or "?" in text or any(key in text for key in ("code=", "state=", "error=")):
        return _read_pasted_url(text, state, where, issuer, iss_required)
    if "#" in text:
        code, _, pasted_state = text.partition("#")
        if not _same(pasted_state, state):
            return PasteRejected(_wrong_state_reason(where))
        return PastedCode(code) if BARE_CODE.fullmatch(code) else PasteRejected(_garbage_reason(where))
    if BARE_CODE.fullmatch(text):
        return PastedCode(text, state_checked=False)
    return PasteRejected(_garbage_reason(where))


def _read_pasted_url(text: str, state: str, where: str, issuer: str = "",
                     iss_required: bool = False) -> PastedCode | PasteRejected | ProviderRefused:
    try:
        parts = urllib.parse.urlsplit(text) if "://" in text else None  # ValueError: "http://[::1"
        query = parts.query if parts else text.split("?", 1)[-1]
        if parts and not query:
            query = parts.fragment
        params = first_values(query)  # read exactly as the loopback callback reads it
    except ValueError:
        return PasteRejected(_garbage_reason(where))
    if not params.get("state"):
        if params.get("code") or params.get("error"):
            return PasteRejected(M("that address has no state, so it cannot be checked; copy the whole address "
                                   "from the browser's address bar{where}", where=where))
        return PasteRejected(_garbage_reason(where))
    if not _same(params["state"], state):
        return PasteRejected(_wrong_state_reason(where))
    problem = issuer_problem(params, issuer, iss_required)
    if problem:
        return PasteRejected(M("{problem}; open the URL shown above and paste the address you land on{where}",
                               problem=problem, where=where))
    if params.get("error"):
        return ProviderRefused(params["error"], params.get("error_description", ""))
    if not params.get("code"):
        return PasteRejected(M("that address has no code in it; copy the whole address from the browser's "
                               "address bar{where}", where=where))
    return PastedCode(params["code"])


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _wrong_state_reason(where: str) -> Msg:
    return M("that address belongs to a different sign-in attempt (its state does not match this one); "
             "open the URL shown above and paste the address you land on{where}", where=where)


def _garbage_reason(where: str) -> Msg:
    return M("that is neither the address the browser landed on nor an authorization code; "
             "copy the whole address from the browser's address bar{where}", where=where)


# --------------------------------------------------------------------------- waiting

@dataclass(frozen=True)
class Pasted:
    text: str = field(repr=False)


class _Wait:
    """Where a sign-in waits: loopback results, pasted text, a cancel request, the deadline."""

    def __init__(self, timeout: float, paste: queue.Queue[str] | None, cancel: threading.Event | None):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.inbox: queue.Queue[Arrival] = queue.Queue()
        self._paste = paste
        self._cancel = cancel

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled(M("sign-in cancelled; nothing was stored"))
        if self.remaining() <= 0:
            raise TimedOut(M("no sign-in arrived within {timeout:g} s; nothing was stored", timeout=self.timeout),
                           hint=M("run the command again (--timeout S gives more time); where the browser cannot "
                                  "come back to this computer, use --method device or --method paste"))

    def next(self) -> Arrival | Pasted:
        while True:
            self.check()
            if self._paste is not None:
                try:
                    return Pasted(self._paste.get_nowait())
                except queue.Empty:
                    pass
            try:
                return self.inbox.get(timeout=max(0.001, min(POLL_SECONDS, self.remaining())))
            except queue.Empty:
                continue

    def pause(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while True:
            self.check()
            left = min(until - time.monotonic(), self.remaining())
            if left <= 0:
                return
            step = min(POLL_SECONDS, left)
            if self._cancel is not None:
                self._cancel.wait(step)
            else:
                time.sleep(step)

    def request_timeout(self) -> float:
        """A request's total deadline: OPENCLAW_HTTP_TIMEOUT, but never past the sign-in's own (--timeout)."""
        from wizard.auth import oauth

        self.check()
        return min(oauth.http_timeout(), self.remaining())


# --------------------------------------------------------------------------- the flow

def sign_in(provider_id: str, options: SignInOptions, events: SignInEvents, *,
            paste: queue.Queue[str] | None = None, cancel: threading.Event | None = None) -> Record:
    """Run the sign-in to the end; store and return the credential record."""
    _check_options(options)
    provider = oauth_provider(provider_id)
    store.check_writable(provider.id)  # before any listener, browser or request: tokens nobody could keep
    from wizard.auth import oauth

    oauth.require_tls(provider)
    oauth.client()  # pay for the HTTP stack now, not between the callback and the saved file
    wait = _Wait(options.timeout, paste, cancel)
    if options.method == "device":
        return _device_flow(provider, events, wait)
    return _code_flow(provider, options, events, wait)


def oauth_provider(provider_id: str) -> Provider:
    return providers.require_oauth(providers.get(provider_id))


def _check_options(options: SignInOptions) -> None:
    if options.method not in METHODS:
        raise UsageError(M("unknown sign-in method {method!r}", method=options.method),
                         hint=M("use one of: {methods}", methods=", ".join(METHODS)))
    timeout = options.timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or timeout <= 0:
        raise UsageError(M("--timeout must be a positive number of seconds, not {timeout!r}", timeout=timeout),
                         hint=M("e.g. --timeout {default:g} (the default)", default=DEFAULT_TIMEOUT))
    if options.callback_port is not None and not 1 <= options.callback_port <= 65535:
        raise UsageError(M("--callback-port must be a port number 1-65535"))
    if options.method != "device" and not options.no_browser:
        from wizard.auth import browser

        browser.check_choice(options.browser)


def callback_ports(provider: Provider, options: SignInOptions) -> tuple[int, ...]:
    if options.callback_port is None:
        return tuple(provider.redirect_ports)
    if provider.builtin and options.callback_port not in provider.redirect_ports:
        registered = ", ".join(str(p) for p in provider.redirect_ports)
        raise UsageError(M("{provider} only accepts the callback ports registered with it: {ports}",
                           provider=provider.id, ports=registered),
                         hint=M("when those ports are busy, sign in with --method device or --method paste"))
    return (options.callback_port,)


def _code_flow(provider: Provider, options: SignInOptions, events: SignInEvents, wait: _Wait) -> Record:
    from wizard.auth import browser, loopback, oauth, pkce

    endpoints = oauth.endpoints(provider, timeout=wait.request_timeout())
    secret, state = pkce.new_pkce(), pkce.new_state()
    ports = callback_ports(provider, options)
    server = None
    try:
        if options.method == "browser":
            server = loopback.start(ports, state=state, callback_path=provider.redirect_path, inbox=wait.inbox,
                                    on_message=events.message, issuer=endpoints.issuer,
                                    iss_required=endpoints.iss_in_response, key_dir=paths.credentials_dir(),
                                    describe=_who(provider))
            redirect_uri = provider.redirect_uri(server.port)
        else:
            server = loopback.start_links_only(wait.inbox)  # serves only the one-time link the browser opens
            redirect_uri = provider.redirect_uri(ports[0])
        url = oauth.authorize_url(provider, endpoints.authorize, redirect_uri=redirect_uri,
                                  code_challenge=secret.challenge, state=state)
        browser.offer_one_time_links(url, server)
        events.authorize_url(url)
        _open_browser(url, options, events, server.port if server else None)
        events.waiting(wait.deadline)

        def exchange(code: str) -> Tokens:
            return oauth.exchange_code(provider, endpoints.token, code=code, redirect_uri=redirect_uri,
                                       code_verifier=secret.verifier, timeout=wait.request_timeout())

        def paste_reader(text: str) -> PastedCode | PasteRejected | ProviderRefused | None:
            return read_paste(text, state, redirect_uri, issuer=endpoints.issuer,
                              iss_required=endpoints.iss_in_response)

        while True:
            item = wait.next()
            if isinstance(item, loopback.CodeReceived):
                return _finish_in_browser(item, provider, exchange, events)
            if isinstance(item, ProviderRefused):
                raise provider_refused(item)
            if isinstance(item, loopback.CancelRequested):
                raise Cancelled(M("a newer sign-in for the same state dir took over port {port}; "
                                  "this one stopped, nothing was stored", port=item.port))
            if isinstance(item, loopback.StartLinkReused):
                raise SignInFailed(M("the one-time sign-in link was opened twice: another program on this computer "
                                     "may have read it (a browser's command line is visible to every local user), "
                                     "so this sign-in was stopped for safety; nothing was stored"),
                                   hint=M("start the sign-in again; where other users share this computer, "
                                          "--method device keeps the sign-in off it entirely"))
            if isinstance(item, loopback.Refused):
                events.message(item.text)
            if isinstance(item, Pasted):
                record = _try_paste(item.text, paste_reader, provider, exchange, events)
                if record is not None:
                    return record
    finally:
        if server is not None:
            server.close()


def _who(provider: Provider) -> str:
    """How a listener names itself to a sign-in it turns away (the holder of the port, not a secret)."""
    try:
        import pwd

        user = pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        user = f"uid {os.geteuid()}"
    # Not translated: an HTTP header value (ASCII), read by another openclaw and quoted as data.
    return f"openclaw pid {os.getpid()}, signing in to {provider.id} as user {user}"


def _finish_in_browser(received: CodeReceived, provider: Provider, exchange: Exchange,
                       events: SignInEvents) -> Record:
    from wizard.auth import pages
    from wizard.auth.signals import deferred

    with deferred(SIGN_IN_TOKENS):  # the code is spent once the exchange is sent: keep what it brings
        try:
            record = _save(provider, exchange(received.code), events)
        except WizardError as exc:
            received.respond(400, pages.failure_page(M("Sign-in failed"), exc.message))
            received.wait_sent(PAGE_SEND_WAIT)
            raise
        except BaseException:
            received.respond(400, pages.failure_page(M("Sign-in stopped"), M("The sign-in was cancelled.")))
            raise
        received.respond(200, pages.success_page(provider.label, record.get("email")))
        received.wait_sent(PAGE_SEND_WAIT)
    return record


def _try_paste(text: str, paste_reader: Callable[[str], PastedCode | PasteRejected | ProviderRefused | None],
               provider: Provider, exchange: Exchange, events: SignInEvents) -> Record | None:
    from wizard.auth import oauth
    from wizard.auth.signals import deferred

    pasted = paste_reader(text)
    if pasted is None:
        return None
    if isinstance(pasted, PasteRejected):
        events.paste_rejected(pasted.reason)
        return None
    if isinstance(pasted, ProviderRefused):
        raise provider_refused(pasted)
    with deferred(SIGN_IN_TOKENS) as held:
        try:
            tokens = exchange(pasted.code)
        except oauth.OAuthError as exc:
            if pasted.state_checked or exc.error != "invalid_grant":
                raise
            events.paste_rejected(M("the provider did not accept that code ({reason}); "
                                    "paste the whole address from the browser's address bar",
                                    reason=exc.description or exc.error))
            held.stored = False
            return None
        return _save(provider, tokens, events)


def _device_flow(provider: Provider, events: SignInEvents, wait: _Wait) -> Record:
    from wizard.auth import device
    from wizard.auth.signals import deferred

    login = device.start(provider, wait.request_timeout())
    events.device_code(login.user_code, login.verification_uri)
    events.waiting(wait.deadline)
    while True:
        wait.pause(login.interval)
        if login.expired():
            raise SignInFailed(M("the device code expired before it was approved; nothing was stored"),
                               hint=M("run the command again for a new code"))
        with deferred(SIGN_IN_TOKENS) as held:  # a poll may bring the tokens (or exchange the code it brings)
            tokens = login.poll(wait.request_timeout())
            if tokens is not None:
                return _save(provider, tokens, events)
            held.stored = False


def _open_browser(url: str, options: SignInOptions, events: SignInEvents, callback_port: int | None) -> None:
    from wizard.auth import browser

    launch = browser.Launch(False, "") if options.no_browser else browser.open_url(url, options.browser)
    if not launch.opened and options.method != "browser":
        launch = browser.Launch(False, "")  # with paste, a browser that did not open is no news
    events.browser_launch(launch, callback_port)


def _save(provider: Provider, tokens: Tokens, events: SignInEvents) -> Record:
    from wizard.auth import idtoken, oauth, userinfo
    from wizard.auth.refresh import credential_lock

    idtoken.check(provider, tokens.get("id_token"))  # where the provider publishes keys; before anything is stored
    record = oauth.credential_record(provider.id, tokens)
    try:
        with credential_lock(provider.id):  # a refresh in flight must not write its older tokens over these
            _set_aside_unusable_file(provider.id, events)
            store.save(record)
    except StorageError as exc:
        raise _not_stored(provider, record, exc) from None
    return userinfo.with_email(provider, record)


def _not_stored(provider: Provider, record: Record, exc: StorageError) -> StorageError:
    """The store failed after the provider issued tokens: revoke them (best effort) and say what happened."""
    from wizard.auth import oauth

    outcomes = {o.token_type: o for o in oauth.revoke_tokens(provider, record)}
    refresh = outcomes.get("refresh_token")
    if refresh is not None and refresh.revoked:
        fate = M("the tokens the provider had just issued were revoked there, so none stays valid")
        if "access_token" in outcomes and not outcomes["access_token"].revoked:
            fate = M("the refresh token the provider had just issued was revoked there, so the sign-in is ended "
                     "(its access token could not be revoked: {still_valid})",
                     still_valid=oauth.still_valid_text("access_token", record))
    else:
        why = next((o.detail for o in outcomes.values() if o.detail), M("no answer"))
        fate = M("the tokens the provider had just issued could not be revoked ({why}); they lapse on their own",
                 why=why)
    return StorageError(M("signed in, but the credentials could not be stored: {problem}; {fate}",
                          problem=exc.message, fate=fate),
                        hint=exc.hint or M("fix the state dir and sign in again"), code=exc.code)


def _set_aside_unusable_file(provider_id: str, events: SignInEvents) -> None:
    """An existing file we cannot read is kept under another name, not overwritten."""
    try:
        store.load(provider_id)
        return
    except store.CredentialError as exc:
        problem = exc.message
    path = paths.credential_path(provider_id)
    kept = path.with_name(f"{path.name}.unusable-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, kept)
    except OSError:
        return
    events.message(M("The old credentials file could not be used ({problem}); kept it as {kept}.",
                     problem=problem, kept=kept))


# --------------------------------------------------------------------------- headless

class HeadlessEvents:
    """Human text on stderr; with --json also JSON lines on stdout (one Output). Never a token."""

    def __init__(self, provider: Provider, method: str, out: Output):
        self.provider = provider
        self.method = method
        self.out = out

    def _say(self, text: str) -> None:
        self.out.say(text)

    def _emit(self, event: str, **fields: object) -> None:
        self.out.event(event, **fields)

    def authorize_url(self, url: str) -> None:
        self._say(M("Sign in to {provider} by opening this URL in a browser:\n\n{url}\n",
                    provider=self.provider.label, url=url))
        redirect = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)).get("redirect_uri", "")
        if self.method == "paste":
            self._say(M("After signing in, the browser lands on an address that does not load; copy that whole "
                        "address (it starts with {redirect_uri}) and paste it here, then press Enter.",
                        redirect_uri=redirect))
        self._emit("authorize_url", url=url)

    def browser_launch(self, launch: Launch, callback_port: int | None) -> None:
        if launch.message:
            self._say(launch.message)
        if self.method != "browser" or callback_port is None:
            return
        if not launch.opened:
            from wizard.auth.browser import in_container

            for line in finish_without_browser(callback_port, in_container(), stdin_route()):
                self._say(line)
        elif stdin_route() is not None:
            self._say(M("If the browser cannot come back to this computer, paste the address it lands on "
                        "(or the code) here and press Enter."))

    def device_code(self, user_code: str, verification_uri: str) -> None:
        self._say(M("To sign in to {provider}, open {verification_uri} on any device "
                    "and enter this code:\n\n    {user_code}\n", provider=self.provider.label,
                    verification_uri=verification_uri, user_code=user_code))
        self._emit("device_code", user_code=user_code, verification_uri=verification_uri)

    def waiting(self, deadline: float) -> None:
        seconds = max(0, math.ceil(deadline - time.monotonic()))
        self._say(M("Waiting for sign-in (up to {seconds} s; Ctrl-C to cancel)...", seconds=seconds))
        self._emit("waiting", timeout=seconds)

    def message(self, text: str) -> None:
        self._say(text)

    def paste_rejected(self, reason: str) -> None:
        self._say(M("Not accepted: {reason}. Paste again.", reason=reason))
        self._emit("paste_rejected", reason=reason)

    def signed_in(self, record: Record) -> None:
        who = M(" as {email}", email=record["email"]) if record.get("email") else ""
        plan = M(" (plan: {plan})", plan=record["plan"]) if record.get("plan") else ""
        self._say(M("Signed in to {provider}{who}{plan}. Credentials saved to {path}.",
                    provider=self.provider.label, who=who, plan=plan,
                    path=paths.credential_path(self.provider.id)))
        self._emit("signed_in", provider=self.provider.id, email=record.get("email"), plan=record.get("plan"),
                   expires_at=record.get("expires_at"))


def finish_without_browser(port: int, container: bool, stdin: str | None) -> list[Msg]:
    """How a browser sign-in can still finish when no browser opened here (SSH, no display, a container,
    a launcher that failed): said at once, while the wait goes on; one message per line."""
    lines = [M("No browser opened here, and the sign-in comes back to 127.0.0.1:{port} on this computer. "
               "This command keeps waiting; any of these finishes it:", port=port)]
    if container:
        lines.append(M("  - This looks like a container: the listener takes only the container's own "
                       "127.0.0.1:{port}, so the return cannot arrive through a published port (-p {port}:{port}). "
                       "Run the container with --network host, or use a way below.", port=port))
    else:
        lines.append(M("  - On your own computer, forward the port, then open the URL above there:\n"
                       "      ssh -L {port}:127.0.0.1:{port} <this host>", port=port))
    if stdin == "terminal":
        lines.append(M("  - Open the URL anywhere and paste the address the browser lands on here, then press Enter."))
    elif stdin == "pipe":
        lines.append(M("  - Open the URL anywhere and write the address the browser lands on to this command's "
                       "stdin."))
    lines.append(M("  - Or stop (Ctrl-C) and run again with --method device (a code to enter on any device) "
                   "or --method paste."))
    return lines


def stdin_route() -> str | None:
    """How a pasted address can reach this process: "terminal", "pipe", or None (stdin closed or /dev/null)."""
    try:
        if os.isatty(0):
            return "terminal"
        return None if os.path.samestat(os.fstat(0), os.stat(os.devnull)) else "pipe"
    except OSError:
        return None


def run_headless(provider_id: str, options: SignInOptions, out: Output) -> Record:
    """Sign in with progress on stderr (JSON lines on stdout with --json) and pastes read from stdin."""
    _check_options(options)
    provider = oauth_provider(provider_id)
    if options.method == "paste" and stdin_route() is None:
        raise UsageError(M("--method paste reads the address the browser lands on from stdin, but stdin is "
                           "/dev/null or closed, so nothing could ever arrive"),
                         hint=M("give the address on stdin, or sign in with --method device (a code to enter on "
                                "any device)"))
    events = HeadlessEvents(provider, options.method, out)
    pasted: queue.Queue[str] | None = None
    stop_reading = threading.Event()
    if options.method != "device":
        pasted = queue.Queue()
        start_stdin_reader(pasted, stop_reading)
    try:
        record = sign_in(provider_id, options, events, paste=pasted)
    except KeyboardInterrupt:
        raise Cancelled(M("sign-in cancelled; nothing was stored")) from None
    finally:
        stop_reading.set()
    events.signed_in(record)
    return record


def start_stdin_reader(out: queue.Queue[str], stop: threading.Event, fd: int = 0) -> threading.Thread | None:
    """Feed stdin lines to `out` from a daemon thread until `stop` is set.

    Raw reads on the fd: no lock of sys.stdin is held at interpreter exit, and once the
    sign-in ends nothing more is read, so later readers of stdin get their input."""
    try:
        os.fstat(fd)
    except OSError:
        return None
    thread = threading.Thread(target=_read_lines, args=(fd, out, stop), name="paste-reader", daemon=True)
    thread.start()
    return thread


def _read_lines(fd: int, out: queue.Queue[str], stop: threading.Event) -> None:
    buffer = b""
    while not stop.is_set():
        if not _readable(fd, POLL_SECONDS):
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            if buffer.strip():
                out.put(buffer.decode("utf-8", "replace"))
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            out.put(line.decode("utf-8", "replace"))
        if len(buffer) > MAX_PASTE_LINE:
            buffer = b""  # no redirect URL is this long; drop it rather than grow without bound


def _readable(fd: int, timeout: float) -> bool:
    import select

    try:
        return bool(select.select([fd], [], [], timeout)[0])
    except (OSError, ValueError):
        return True  # no select() for this fd (Windows pipes): fall back to a blocking read
