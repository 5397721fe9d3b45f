"""The loopback callback server: where the browser comes back with the authorization code.

Bound to 127.0.0.1 only. `GET <callback path>` with the expected `state` is the one
request that counts; anything else gets a 400/404/405 page and the wait goes on.
`GET /cancel` with the `X-OpenClaw-Loopback: 1` header lets a newer sign-in take the port
over from a stale one of ours. A web page cannot send that header without a CORS preflight
(an OPTIONS request, always refused here), so no page the user visits can cancel a sign-in.
Nothing is logged: the request line carries the code.
"""

from __future__ import annotations

import errno
import hmac
import http.client
import queue
import socketserver
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from wizard.auth import pages
from wizard.auth.redirect import ProviderRefused, first_values
from wizard.errors import WizardError

HOST = "127.0.0.1"
CANCEL_PATH = "/cancel"
MARKER_HEADER = "X-OpenClaw-Loopback"
MAX_REQUEST_TARGET = 8192
STALE_PROBE_TIMEOUT = 0.5
REBIND_WINDOW = 1.0
# How long the browser's request waits for the token exchange before it gets a page anyway.
OUTCOME_WAIT = 120.0


# --------------------------------------------------------------------------- what the wait receives

@dataclass(eq=False)
class CodeReceived:
    """The browser brought a code; its request waits for `respond` to show the outcome."""

    code: str = field(repr=False)
    _decided: threading.Event = field(default_factory=threading.Event, repr=False)
    _sent: threading.Event = field(default_factory=threading.Event, repr=False)
    status: int = 200
    page: str = ""

    def respond(self, status: int, page: str) -> None:
        if not self._decided.is_set():
            self.status, self.page = status, page
            self._decided.set()

    def wait_sent(self, timeout: float) -> bool:
        return self._sent.wait(timeout)


@dataclass(frozen=True)
class CancelRequested:
    port: int


class PortsBusy(WizardError):
    code = "PORT_BUSY"


# --------------------------------------------------------------------------- the server

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # our own TIME_WAIT connections must not keep the port from us

    def __init__(self, port: int, *, state: str, callback_path: str, inbox: queue.Queue):
        self.state = state
        self.callback_path = callback_path
        self.inbox = inbox
        self.pending: list[CodeReceived] = []
        self.pending_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); we know who we are.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        pass  # a browser that hangs up early is not our problem; tracebacks could echo the code


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    timeout = 5  # a client that stalls mid-request does not pin a thread
    server_version = "openclaw-loopback"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if len(self.path) > MAX_REQUEST_TARGET:
            return self._reply(400, pages.failure_page("Request too large", "That address is far too long."))
        try:
            target = urllib.parse.urlsplit(self.path)
        except ValueError:  # e.g. "http://[x/auth/callback": answer it, do not drop the connection
            return self._reply(400, pages.failure_page("Bad request", "This request is not a sign-in response."))
        if target.path == CANCEL_PATH:
            return self._cancel()
        if target.path != self.server.callback_path:
            return self._reply(404, pages.failure_page("Not found", "This address is not part of the sign-in."))
        self._callback(target.query)

    def _method_not_allowed(self) -> None:
        self._reply(405, pages.failure_page("Method not allowed", "Only the browser's GET request is accepted."),
                    {"Allow": "GET"})

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _method_not_allowed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The stdlib calls this for garbage and oversized requests; answer with our page.
        self._reply(code if code in (400, 404, 405) else 400,
                    pages.failure_page("Bad request", "This request is not a sign-in response."))

    def _cancel(self) -> None:
        if self.headers.get(MARKER_HEADER) != "1":  # a link or an <img> on some web page: not a sign-in of ours
            return self._reply(403, pages.failure_page("Forbidden", "Only a newer sign-in on this computer can "
                                                                    "stop this one."))
        self._reply(200, pages.cancelled_page(), {MARKER_HEADER: "1"})
        self.server.inbox.put(CancelRequested(self.server.server_port))

    def _callback(self, query: str) -> None:
        try:
            params = first_values(query)
        except ValueError:
            return self._reply(400, pages.failure_page("Bad request", "The sign-in response could not be read."))
        if not hmac.compare_digest(params.get("state", "").encode(), self.server.state.encode()):
            return self._reply(400, pages.failure_page(
                "Not this sign-in", "This response belongs to a different sign-in attempt (the state does not "
                                    "match). Use the link from the sign-in that is waiting now."))
        if params.get("error"):
            refused = ProviderRefused(params["error"], params.get("error_description", ""))
            self.server.inbox.put(refused)
            return self._reply(400, pages.failure_page("Sign-in was not completed", refused.text))
        if not params.get("code"):
            return self._reply(400, pages.failure_page(
                "No authorization code", "The provider sent the browser back without a code."))
        self._deliver_code(CodeReceived(params["code"]))

    def _deliver_code(self, received: CodeReceived) -> None:
        with self.server.pending_lock:
            self.server.pending.append(received)
        self.server.inbox.put(received)
        if not received._decided.wait(OUTCOME_WAIT):
            received.respond(504, pages.failure_page("Still working", "Return to your terminal."))
        try:
            self._reply(received.status, received.page)
        finally:
            received._sent.set()

    def _reply(self, status: int, page: str, headers: dict | None = None) -> None:
        body = page.encode("utf-8")
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # always send a status line (a 0.9 HEAD would get nothing at all)
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


class CallbackServer:
    """A running listener; `close()` stops it and frees the port."""

    def __init__(self, httpd: _Server):
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"loopback-{self.port}", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._httpd.server_port

    def close(self) -> None:
        httpd = self._httpd
        httpd.shutdown()
        httpd.server_close()
        with httpd.pending_lock:
            for received in httpd.pending:
                received.respond(409, pages.failure_page("Sign-in already finished",
                                                         "This sign-in has ended. Return to your terminal."))


# --------------------------------------------------------------------------- binding, with port fallback

def start(ports: Sequence[int], *, state: str, callback_path: str, inbox: queue.Queue,
          on_message: Callable[[str], None] | None = None) -> CallbackServer:
    """Listen on the first port that is free (or that a stale sign-in of ours gives up)."""
    for port in ports:
        httpd = _bind_or_take_over(port, state=state, callback_path=callback_path, inbox=inbox)
        if httpd is not None:
            if port != ports[0] and on_message:
                on_message(f"Port {ports[0]} is busy, using {httpd.server_port}.")
            return CallbackServer(httpd)
    raise ports_busy(ports)


def _bind_or_take_over(port: int, **server_args) -> _Server | None:
    try:
        return _bind(port, **server_args)
    except _PortInUse:
        pass
    if not ask_stale_listener_to_cancel(port):
        return None
    give_up = time.monotonic() + REBIND_WINDOW
    while time.monotonic() < give_up:
        time.sleep(0.05)
        try:
            return _bind(port, **server_args)
        except _PortInUse:
            continue
    return None


class _PortInUse(Exception):
    pass


def _bind(port: int, **server_args) -> _Server:
    try:
        return _Server(port, **server_args)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise _PortInUse from None
        raise WizardError(f"cannot listen on {HOST}:{port} for the browser's return: {exc.strerror or exc}",
                          hint="sign in with --method device or --method paste instead") from None


def ask_stale_listener_to_cancel(port: int) -> bool:
    """True if the listener on `port` is a sign-in of ours and agreed to stop."""
    connection = http.client.HTTPConnection(HOST, port, timeout=STALE_PROBE_TIMEOUT)
    try:
        connection.request("GET", CANCEL_PATH, headers={MARKER_HEADER: "1"})
        response = connection.getresponse()
        return response.getheader(MARKER_HEADER) == "1"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def ports_busy(ports: Sequence[int]) -> PortsBusy:
    names = " and ".join(str(p) for p in ports)
    plural = "ports" if len(ports) > 1 else "port"
    return PortsBusy(
        f"cannot listen for the browser's return: {plural} {names} on {HOST} "
        f"{'are' if len(ports) > 1 else 'is'} in use by another program",
        hint="sign in with --method device (enter a code in any browser) or --method paste (paste the address "
             "you land on); a custom provider can use another port with --callback-port N (registered with "
             f"that provider); or stop the program holding the port (lsof -i :{ports[0]})")
