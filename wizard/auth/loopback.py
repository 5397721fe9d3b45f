"""The loopback listener: where the browser comes back with the authorization code.

Bound to 127.0.0.1 only. `GET <callback path>` with the expected `state` (and the provider's
`iss`, RFC 9207, when it sends or advertises one) is the one request that counts; anything
else gets a 400/403/404/405 page and the wait goes on. Nothing is logged: the request line
carries the code.

Defences, each against something a local process or a web page can do:
- Starving: one selector thread reads every connection's request head, without a thread per
  connection; a head must arrive within HEAD_DEADLINE, at most MAX_OPEN connections wait (the
  oldest is dropped for a new one), and only complete requests reach the few handler threads.
  A slow client costs a socket, never the real callback's turn.
- DNS rebinding: a request whose Host is present and is not this listener's own address and
  port is refused (a browser always sends Host; a rebinding page's is its own name).
- Another user: on Linux the owner of the connecting socket is looked up (/proc/net/tcp); a
  process of another (non-root) user gets 403 from the callback and the one-time link.
- The command line: the browser is opened at a one-time link, `/start/<random>`, which
  redirects to the authorize URL once and answers 410 after; a second use stops the sign-in,
  since someone else then holds its state. See README "Sign in" for what this cannot stop.
- Port takeover: `GET /cancel` with the `X-OpenClaw-Loopback: 1` header and the cancel key a
  listener keeps in its state dir's credentials dir stops that listener (a newer sign-in for the
  same state dir). Without the key the listener refuses and says who it is, so a sign-in for
  another state dir or user is never killed. A web page cannot send the header without a CORS
  preflight (OPTIONS, always refused).
"""

from __future__ import annotations

import errno
import hmac
import http.client
import io
import os
import queue
import secrets
import selectors
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from wizard.auth import pages
from wizard.auth.redirect import ProviderRefused, first_values, issuer_problem
from wizard.errors import WizardError
from wizard.i18n import M, Msg

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import TypeAlias

    from _typeshed import ReadableBuffer

HOST = "127.0.0.1"
HOST_NAMES = ("127.0.0.1", "localhost")
CANCEL_PATH = "/cancel"
START_PREFIX = "/start/"
MARKER_HEADER = "X-OpenClaw-Loopback"
KEY_HEADER = "X-OpenClaw-Cancel-Key"
WHO_HEADER = "X-OpenClaw-Sign-In"
MAX_REQUEST_TARGET = 8192
MAX_HEAD_BYTES = 96 * 1024   # the stdlib refuses lines over 64 KiB itself; beyond this nothing is read
HEAD_DEADLINE = 5.0          # seconds for a whole request head to arrive
MAX_OPEN = 256               # connections whose head is still arriving
HANDLERS = 8                 # threads answering complete requests
WRITE_TIMEOUT = 5.0
BACKLOG = 128
POLL = 0.05
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


@dataclass(frozen=True)
class StartLinkReused:
    """The one-time link was asked for again: someone besides the browser has the sign-in's state."""

    port: int


@dataclass(frozen=True)
class Refused:
    """A request the listener refused that the user should hear about (another user's process)."""

    text: str


if TYPE_CHECKING:
    # What a listener puts in the inbox the sign-in waits on.
    Arrival: TypeAlias = CodeReceived | CancelRequested | StartLinkReused | Refused | ProviderRefused


class PortsBusy(WizardError):
    code = "PORT_BUSY"


# --------------------------------------------------------------------------- who is connecting

def peer_uid(connection: socket.socket) -> int | None:
    """The uid owning the other end of a loopback TCP connection (Linux /proc/net/tcp); None if unknown."""
    try:
        client_ip, client_port = connection.getpeername()[:2]
        server_ip, server_port = connection.getsockname()[:2]
        with open("/proc/net/tcp", encoding="ascii") as table:
            rows = table.read().splitlines()[1:]
    except (OSError, ValueError):
        return None
    wanted = (_proc_address(client_ip, client_port), _proc_address(server_ip, server_port))
    for row in rows:
        fields = row.split()
        if len(fields) > 7 and (fields[1], fields[2]) == wanted:
            try:
                return int(fields[7])
            except ValueError:
                return None
    return None


def _proc_address(ip: str, port: int) -> str:
    """An IPv4 address as /proc/net/tcp prints it: the 32-bit value in host byte order, then the port."""
    import struct

    return f"{struct.unpack('=I', socket.inet_aton(ip))[0]:08X}:{port:04X}"


def trusted_uids() -> set[int]:
    """Whose processes may use this listener: ours, root, and the user who ran sudo."""
    uids = {os.geteuid(), 0}
    sudo_uid = os.environ.get("SUDO_UID", "")
    if sudo_uid.isdigit():
        uids.add(int(sudo_uid))
    return uids


# --------------------------------------------------------------------------- the listener

@dataclass
class Callback:
    """What makes a callback ours: its path, the state, and the issuer (RFC 9207)."""

    path: str
    state: str = field(repr=False)
    issuer: str = ""
    iss_required: bool = False


class Listener:
    """A running listener on 127.0.0.1; `close()` stops it and frees the port."""

    def __init__(self, sock: socket.socket, *, inbox: queue.Queue[Arrival], callback: Callback | None,
                 key_file: Path | None = None, describe: str = ""):
        self._socket = sock
        self.port = sock.getsockname()[1]
        self.inbox = inbox
        self.callback = callback
        self.describe = describe
        self.pending: list[CodeReceived] = []
        self.pending_lock = threading.Lock()
        self._links: dict[str, str] = {}
        self._used_links: set[str] = set()
        self._links_lock = threading.Lock()
        self.trusted = trusted_uids()
        self._key_file = key_file
        self._key = _write_key(key_file) if key_file is not None else ""
        self._stop = threading.Event()
        self._ready: queue.Queue[tuple[socket.socket, bytes] | None] = queue.Queue()  # None: a handler stops
        self._handlers = [threading.Thread(target=self._handle_ready, name=f"loopback-{self.port}-{i}",
                                           daemon=True) for i in range(HANDLERS)]
        self._reader = threading.Thread(target=self._read_heads, name=f"loopback-{self.port}", daemon=True)
        for thread in (*self._handlers, self._reader):
            thread.start()

    @property
    def address(self) -> tuple[str, int]:
        address: tuple[str, int] = self._socket.getsockname()  # an AF_INET socket's (host, port)
        return address

    # ----------------------------------------------------------------- one-time links

    def one_time_link(self, url: str) -> str:
        """A fresh `/start/<random>` address on this listener that redirects to `url` once."""
        token = secrets.token_urlsafe(24)
        with self._links_lock:
            self._links[token] = url
        return f"http://{HOST}:{self.port}{START_PREFIX}{token}"

    def use_link(self, token: str) -> str | None:
        """The URL behind `token` the first time; "" once used; None for a token never given out."""
        with self._links_lock:
            if token in self._used_links:
                return ""
            url = self._links.pop(token, None)
            if url is not None:
                self._used_links.add(token)
            return url

    # ----------------------------------------------------------------- takeover

    def key_matches(self, key: str) -> bool:
        return bool(self._key) and hmac.compare_digest(key.encode(), self._key.encode())

    # ----------------------------------------------------------------- reading request heads

    def _read_heads(self) -> None:
        """Accept connections and read each one's request head; complete ones go to the handlers."""
        waiting: dict[socket.socket, _Arriving] = {}
        with selectors.DefaultSelector() as selector:
            self._socket.setblocking(False)
            selector.register(self._socket, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(POLL):
                    if key.fileobj is self._socket:
                        self._accept(selector, waiting)
                    elif key.fileobj in waiting:  # not dropped earlier in this round
                        self._receive(key.fileobj, selector, waiting)
                self._drop_late(selector, waiting)
            for connection in list(waiting):
                _close(connection)

    def _accept(self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Arriving]) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # out of descriptors and the like: the next round tries again
            if len(waiting) >= MAX_OPEN:
                oldest = min(waiting, key=lambda c: waiting[c].started)
                selector.unregister(oldest)
                del waiting[oldest]
                _close(oldest)
            connection.setblocking(False)
            waiting[connection] = _Arriving(time.monotonic())
            selector.register(connection, selectors.EVENT_READ)

    def _receive(self, connection: socket.socket, selector: selectors.BaseSelector,
                 waiting: dict[socket.socket, _Arriving]) -> None:
        arriving = waiting[connection]
        try:
            chunk = connection.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = None
        if chunk:
            arriving.head += chunk
            if not _head_complete(arriving.head):
                return
        selector.unregister(connection)
        del waiting[connection]
        if chunk is None or not arriving.head:
            _close(connection)
        else:
            self._ready.put((connection, bytes(arriving.head[:MAX_HEAD_BYTES])))

    def _drop_late(self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Arriving]) -> None:
        too_old = time.monotonic() - HEAD_DEADLINE
        for connection in [c for c, arriving in waiting.items() if arriving.started < too_old]:
            selector.unregister(connection)
            del waiting[connection]
            _close(connection)

    def _handle_ready(self) -> None:
        while True:
            item = self._ready.get()
            if item is None:
                return
            connection, head = item
            try:
                connection.setblocking(True)
                connection.settimeout(WRITE_TIMEOUT)
                _Handler(connection, head, self)
            except Exception:  # noqa: BLE001 - a client that hangs up early; a traceback could echo the code
                pass
            finally:
                _close(connection)

    # ----------------------------------------------------------------- stopping

    def close(self) -> None:
        if self._stop.is_set():
            return
        _remove_key(self._key_file, self._key)  # before the port is free: the next owner writes its own
        self._stop.set()
        self._reader.join(5)
        self._socket.close()
        for _ in self._handlers:
            self._ready.put(None)
        with self.pending_lock:
            for received in self.pending:
                received.respond(409, pages.failure_page(M("Sign-in already finished"),
                                                         M("This sign-in has ended. Return to your terminal.")))
        from wizard.auth import browser

        browser.forget_one_time_links(self)


CallbackServer = Listener  # the name the rest of the code knew it by


@dataclass
class _Arriving:
    started: float
    head: bytearray = field(default_factory=bytearray)


def _head_complete(head: bytearray) -> bool:
    if b"\r\n\r\n" in head or b"\n\n" in head or len(head) >= MAX_HEAD_BYTES:
        return True
    first_line, newline, _ = bytes(head[:MAX_REQUEST_TARGET + 64]).partition(b"\n")
    # An HTTP/0.9 request line (or garbage) has no headers to wait for.
    return bool(newline) and len(first_line.split()) < 3


def _close(connection: socket.socket) -> None:
    try:
        connection.close()
    except OSError:
        pass


# --------------------------------------------------------------------------- answering a request

class _Handler(BaseHTTPRequestHandler):
    """One request, read from the head the selector already has; never reads the socket again."""

    protocol_version = "HTTP/1.0"
    server_version = "openclaw-loopback"
    sys_version = ""
    listener: Listener

    def __init__(self, connection: socket.socket, head: bytes, listener: Listener):
        self.head = head
        self.listener = listener
        # The stdlib only keeps its `server` argument (as self.server, unused here): the listener stands in.
        super().__init__(connection, connection.getpeername() if _connected(connection) else ("", 0),
                         listener)  # type: ignore[arg-type]

    def setup(self) -> None:
        self.connection = self.request
        self.rfile = io.BytesIO(self.head)
        self.wfile = _Writer(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if len(self.path) > MAX_REQUEST_TARGET:
            return self._reply(400, pages.failure_page(M("Request too large"), M("That address is far too long.")))
        try:
            target = urllib.parse.urlsplit(self.path)
        except ValueError:  # e.g. "http://[x/auth/callback": answer it, do not drop the connection
            return self._reply(400, _bad_request())
        callback = self.listener.callback
        if target.path == CANCEL_PATH:  # the cancel key, not the user, decides (a sign-in of another user may ask)
            return self._guarded(self._cancel, check_user=False)
        if target.path.startswith(START_PREFIX):
            return self._guarded(lambda: self._start(target.path[len(START_PREFIX):]))
        if callback is None or target.path != callback.path:
            return self._reply(404, _not_found())
        self._guarded(lambda: self._callback(target.query, callback))

    def _method_not_allowed(self) -> None:
        self._reply(405, pages.failure_page(M("Method not allowed"), M("Only the browser's GET request is accepted.")),
                    {"Allow": "GET"})

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _method_not_allowed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The stdlib calls this for garbage and oversized requests; answer with our page.
        self._reply(code if code in (400, 404, 405) else 400,
                    _bad_request())

    # ----------------------------------------------------------------- checks before anything counts

    def _guarded(self, action: Callable[[], None], *, check_user: bool = True) -> None:
        """Run `action` only for a request to our own address (and, by default, from a user we trust)."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host and host not in {f"{name}:{self.listener.port}" for name in HOST_NAMES}:
            return self._reply(421, pages.failure_page(
                M("Wrong address"), M("This sign-in only answers requests made to its own loopback address.")))
        uid = peer_uid(self.connection) if check_user else None
        if uid is not None and uid not in self.listener.trusted:
            self.listener.inbox.put(Refused(
                M("A process of another user (uid {uid}) tried to use this sign-in's listener; it was refused.",
                  uid=uid)))
            return self._reply(403, pages.failure_page(
                M("Forbidden"), M("This sign-in belongs to another user of this computer.")))
        action()

    def _cancel(self) -> None:
        if self.headers.get(MARKER_HEADER) != "1":  # a link or an <img> on some web page: not a sign-in of ours
            return self._reply(403, pages.failure_page(M("Forbidden"), M("Only a newer sign-in on this computer can "
                                                                    "stop this one.")))
        if not self.listener.key_matches(self.headers.get(KEY_HEADER) or ""):
            return self._reply(409, pages.failure_page(M("In use"), M("A sign-in is waiting here.")),
                               {MARKER_HEADER: "1", WHO_HEADER: self.listener.describe})
        self._reply(200, pages.cancelled_page(), {MARKER_HEADER: "1"})
        self.listener.inbox.put(CancelRequested(self.listener.port))

    def _start(self, token: str) -> None:
        url = self.listener.use_link(token)
        if url is None:
            return self._reply(404, _not_found())
        if not url:
            self.listener.inbox.put(StartLinkReused(self.listener.port))
            return self._reply(410, pages.failure_page(
                M("Link already used"), M("This one-time sign-in link was already opened. If you did not open it "
                                          "twice, another program on this computer did; the sign-in has been stopped "
                                          "for safety. Start it again from your terminal.")))
        self._reply(302, pages.redirect_page(), {"Location": url})

    def _callback(self, query: str, callback: Callback) -> None:
        try:
            params = first_values(query)
        except ValueError:
            return self._reply(400, pages.failure_page(M("Bad request"), M("The sign-in response could not be read.")))
        if not hmac.compare_digest(params.get("state", "").encode(), callback.state.encode()):
            return self._reply(400, pages.failure_page(
                M("Not this sign-in"), M("This response belongs to a different sign-in attempt (the state does not "
                                         "match). Use the link from the sign-in that is waiting now.")))
        problem = issuer_problem(params, callback.issuer, callback.iss_required)
        if problem:
            return self._reply(400, pages.failure_page(M("Not this provider"), M("{problem}.", problem=problem)))
        if params.get("error"):
            refused = ProviderRefused(params["error"], params.get("error_description", ""))
            self.listener.inbox.put(refused)
            return self._reply(400, pages.failure_page(M("Sign-in was not completed"), refused.text))
        if not params.get("code"):
            return self._reply(400, pages.failure_page(
                M("No authorization code"), M("The provider sent the browser back without a code.")))
        self._deliver_code(CodeReceived(params["code"]))

    def _deliver_code(self, received: CodeReceived) -> None:
        with self.listener.pending_lock:
            self.listener.pending.append(received)
        self.listener.inbox.put(received)
        if not received._decided.wait(OUTCOME_WAIT):
            received.respond(504, pages.failure_page(M("Still working"), M("Return to your terminal.")))
        try:
            self._reply(received.status, received.page)
        finally:
            received._sent.set()

    def _reply(self, status: int, page: str, headers: dict[str, str] | None = None) -> None:
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


class _Writer(io.BufferedIOBase):
    """Whole writes to the socket (sendall), which is all the handler needs (as the stdlib's own
    socketserver._SocketWriter, also a BufferedIOBase that holds nothing back)."""

    def __init__(self, connection: socket.socket):
        self._connection = connection

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        self._connection.sendall(data)
        with memoryview(data) as view:
            return view.nbytes  # len(data) for the bytes the handler writes


def _bad_request() -> str:
    return pages.failure_page(M("Bad request"), M("This request is not a sign-in response."))


def _not_found() -> str:
    return pages.failure_page(M("Not found"), M("This address is not part of the sign-in."))


def _connected(connection: socket.socket) -> bool:
    try:
        connection.getpeername()
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------- the cancel key

def key_path(directory: Path, port: int) -> Path:
    return directory / f".loopback-{port}.key"


def _write_key(path: Path) -> str:
    """A fresh key in `path` (0600): a newer sign-in for the same state dir reads it to take the port over."""
    key = secrets.token_urlsafe(24)
    try:
        from wizard.fsutil import ensure_private_dir

        ensure_private_dir(path.parent.parent)
        ensure_private_dir(path.parent)
        # Not synced: it only matters while this process runs. Renamed into place, so never read half-written.
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, key.encode("ascii"))
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except (WizardError, OSError):
        return ""  # no key: this listener can only be stopped by its own process
    return key


def _read_key(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(256).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _remove_key(path: Path | None, key: str) -> None:
    if path is None or not key or _read_key(path) != key:
        return
    try:
        path.unlink()
    except OSError:
        pass


# --------------------------------------------------------------------------- binding, with port fallback

def start(ports: Sequence[int], *, state: str, callback_path: str, inbox: queue.Queue[Arrival],
          on_message: Callable[[str], None] | None = None, issuer: str = "", iss_required: bool = False,
          key_dir: Path | None = None, describe: str = "") -> Listener:
    """Listen on the first port that is free (or that a sign-in for the same state dir gives up).

    `key_dir` is where the cancel keys live (the credentials dir): without it the listener can
    neither take a port over nor be asked to give its own up."""
    callback = Callback(callback_path, state, issuer, iss_required)
    live: list[str] = []
    for port in ports:
        sock = _bind_or_take_over(port, key_dir, live)
        if sock is not None:
            listener = Listener(sock, inbox=inbox, callback=callback, describe=describe,
                                key_file=key_path(key_dir, sock.getsockname()[1]) if key_dir else None)
            if port != ports[0] and on_message:
                if live:
                    on_message(M("Port {port} is in use by {holder}, using {other}.", port=ports[0], holder=live[0],
                                 other=listener.port))
                else:
                    on_message(M("Port {port} is busy, using {other}.", port=ports[0], other=listener.port))
            return listener
    raise ports_busy(ports, live)


def start_links_only(inbox: queue.Queue[Arrival]) -> Listener:
    """A listener on a port the system picks that serves one-time links only (for --method paste)."""
    return Listener(_bind(0), inbox=inbox, callback=None)


def _bind_or_take_over(port: int, key_dir: Path | None, live: list[str]) -> socket.socket | None:
    try:
        return _bind(port)
    except _PortInUse:
        pass
    key = _read_key(key_path(key_dir, port)) if key_dir is not None and port else ""
    answer = ask_to_give_up(port, key)
    if answer != GAVE_UP:
        if answer:
            live.append(answer)
        return None
    give_up = time.monotonic() + REBIND_WINDOW
    while time.monotonic() < give_up:
        time.sleep(0.05)
        try:
            return _bind(port)
        except _PortInUse:
            continue
    return None


class _PortInUse(Exception):
    pass


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # our own TIME_WAITs must not keep the port
        sock.bind((HOST, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise _PortInUse from None
        raise WizardError(M("cannot listen on {host}:{port} for the browser's return: {reason}",
                            host=HOST, port=port, reason=exc.strerror or exc),
                          hint=M("sign in with --method device or --method paste instead")) from None
    return sock


GAVE_UP = "gave up"


def ask_to_give_up(port: int, key: str = "") -> str:
    """Ask the listener on `port` to stop: GAVE_UP, the description of a live sign-in of ours that
    refused (another state dir or user), or "" when it is not ours at all."""
    connection = http.client.HTTPConnection(HOST, port, timeout=STALE_PROBE_TIMEOUT)
    try:
        headers = {MARKER_HEADER: "1", **({KEY_HEADER: key} if key else {})}
        connection.request("GET", CANCEL_PATH, headers=headers)
        response = connection.getresponse()
        if response.getheader(MARKER_HEADER) != "1":
            return ""
        if response.status == 200:
            return GAVE_UP
        from wizard.auth.safetext import clean

        who = response.getheader(WHO_HEADER)
        return clean(who)[:200] if who else M("another OpenClaw sign-in")
    except (OSError, http.client.HTTPException):
        return ""
    finally:
        connection.close()


def ask_stale_listener_to_cancel(port: int, key: str = "") -> bool:
    """True if the listener on `port` is a sign-in of ours that agreed to stop."""
    return ask_to_give_up(port, key) == GAVE_UP


def ports_busy(ports: Sequence[int], live: Sequence[str] = ()) -> PortsBusy:
    names: str = str(ports[0])
    for port in ports[1:]:
        names = M("{ports} and {port}", ports=names, port=port)
    if not live:
        holders: Msg = M("another program")
    elif len(live) < len(ports):
        holders = M("another sign-in that is still waiting ({holders}) and another program", holders="; ".join(live))
    else:
        holders = M("another sign-in that is still waiting ({holders})", holders="; ".join(live))
    if len(ports) > 1:
        message = M("cannot listen for the browser's return: ports {ports} on {host} are in use by {holders}",
                    ports=names, host=HOST, holders=holders)
    else:
        message = M("cannot listen for the browser's return: port {ports} on {host} is in use by {holders}",
                    ports=names, host=HOST, holders=holders)
    return PortsBusy(
        message,
        hint=M("sign in with --method device (enter a code in any browser) or --method paste (paste the address "
               "you land on); or finish or stop that sign-in first; a custom provider can use another port with "
               "--callback-port N (registered with that provider); or stop the program holding the port "
               "(lsof -i :{port})", port=ports[0]))
