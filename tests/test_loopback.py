"""The loopback callback server in-process, on free ports: what it accepts, what it refuses, ports."""

from __future__ import annotations

import queue
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from wizard.auth import loopback

STATE = "expected-state-value"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A port that was free a moment ago, for a subprocess that must be told a number (--callback-port).

    In-process tests do not use it: another process may take the port between this close and the
    next bind. They bind port 0 (the system picks) and read the port from the listener."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def squat(port: int = 0) -> socket.socket:
    """A listener that is not ours (port 0: any free one): accepts connections into the backlog, never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(8)
    return sock


def port_of(sock: socket.socket) -> int:
    return sock.getsockname()[1]


@pytest.fixture
def inbox() -> queue.Queue:
    return queue.Queue()


@pytest.fixture
def server(inbox):
    srv = loopback.start([0], state=STATE, callback_path="/auth/callback", inbox=inbox)
    yield srv
    srv.close()


def get(url: str, *, method: str = "GET", data: bytes | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def raw(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def base(srv) -> str:
    return f"http://127.0.0.1:{srv.port}"


def test_binds_loopback_only(server):
    assert server.address[0] == "127.0.0.1"


@pytest.mark.parametrize("path, status", [
    ("/auth/callback?code=abc&state=wrong", 400),
    (f"/auth/callback?state={STATE}", 400),
    ("/auth/callback?code=abc", 400),
    (f"/elsewhere?code=abc&state={STATE}", 404),
    ("/favicon.ico", 404),
    ("/auth/callback?" + "x=1&" * 5000, 400),
])
def test_stray_requests_get_a_page_and_the_wait_goes_on(server, inbox, path, status):
    code, body, _ = get(base(server) + path)
    assert code == status
    assert "<html" in body
    assert inbox.empty()


def test_post_is_method_not_allowed(server, inbox):
    code, _, headers = get(base(server) + f"/auth/callback?code=abc&state={STATE}", method="POST", data=b"x=1")
    assert code == 405 and headers["Allow"] == "GET"
    assert inbox.empty()


@pytest.mark.parametrize("payload", [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
    b"NONSENSE\r\n\r\n",
    b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
    b"GET /auth/callback HTTP/1.1\r\n" + b"X-Big: y\r\n" * 200 + b"\r\n",
])
def test_garbage_and_oversized_requests_get_400(server, inbox, payload):
    reply = raw(server.port, payload)
    assert reply.startswith(b"HTTP/1.0 400")
    assert inbox.empty()


def test_the_right_callback_delivers_the_code_and_shows_the_outcome(server, inbox):
    result = {}
    thread = threading.Thread(target=lambda: result.update(
        zip(("status", "body", "headers"), get(base(server) + f"/auth/callback?code=the-code&state={STATE}"),
            strict=True)))
    thread.start()
    received = inbox.get(timeout=5)
    assert isinstance(received, loopback.CodeReceived) and received.code == "the-code"
    assert "the-code" not in repr(received)
    received.respond(200, "<html>done</html>")
    assert received.wait_sent(5)
    thread.join(5)
    assert result["status"] == 200 and result["body"] == "<html>done</html>"
    assert result["headers"]["Cache-Control"] == "no-store"


def test_provider_error_ends_the_wait_with_its_exact_text(server, inbox):
    code, body, _ = get(base(server) + f"/auth/callback?error=access_denied&error_description=Not+today%2C+thanks"
                                       f"&state={STATE}")
    assert code == 400 and "access_denied: Not today, thanks" in body
    refused = inbox.get(timeout=5)
    assert refused == loopback.ProviderRefused("access_denied", "Not today, thanks")


def test_provider_error_with_a_foreign_state_is_ignored(server, inbox):
    code, _, _ = get(base(server) + "/auth/callback?error=access_denied&state=other")
    assert code == 400 and inbox.empty()


def test_cancel_with_the_state_dirs_key_asks_the_wait_to_stop(inbox, tmp_path):
    srv = loopback.start([0], state=STATE, callback_path="/auth/callback", inbox=inbox, key_dir=tmp_path / "creds")
    try:
        key = loopback.key_path(tmp_path / "creds", srv.port)
        assert oct(key.stat().st_mode & 0o777) == "0o600"
        assert loopback.ask_stale_listener_to_cancel(srv.port, key.read_text())
        assert inbox.get(timeout=5) == loopback.CancelRequested(srv.port)
    finally:
        srv.close()
    assert not key.exists()  # its key goes with it


@pytest.mark.parametrize("key", ["", "a-key-from-another-state-dir"])
def test_cancel_without_the_key_is_refused_and_names_the_live_sign_in(inbox, tmp_path, key):
    """A sign-in for another state dir (or another user) asking for the port: told who holds it, never obeyed."""
    srv = loopback.start([0], state=STATE, callback_path="/auth/callback", inbox=inbox, key_dir=tmp_path / "creds",
                         describe="openclaw pid 42, signing in to idp as user alice")
    try:
        assert loopback.ask_to_give_up(srv.port, key) == "openclaw pid 42, signing in to idp as user alice"
        time.sleep(0.2)
        assert inbox.empty()
    finally:
        srv.close()


@pytest.mark.parametrize("headers", [{}, {loopback.MARKER_HEADER: "0"}, {"Origin": "https://evil.example"}])
def test_cancel_without_our_header_is_forbidden_and_the_wait_goes_on(server, inbox, headers):
    """Any web page can make the browser GET http://127.0.0.1:1455/cancel (a link, an <img>); it must not
    end the sign-in. A page cannot add our header without a CORS preflight, and OPTIONS is refused."""
    request = urllib.request.Request(base(server) + "/cancel", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        OPENER.open(request, timeout=5)
    assert refused.value.code == 403 and loopback.MARKER_HEADER not in refused.value.headers
    preflight, _, _ = get(base(server) + "/cancel", method="OPTIONS")
    assert preflight == 405
    assert inbox.empty()
    # The wait went on: the real callback still lands.
    thread = threading.Thread(target=get, args=(base(server) + f"/auth/callback?code=the-code&state={STATE}",))
    thread.start()
    received = inbox.get(timeout=5)
    assert isinstance(received, loopback.CodeReceived) and received.code == "the-code"
    received.respond(200, "<html>done</html>")
    thread.join(5)


def test_close_frees_the_port_at_once(inbox):
    srv = loopback.start([0], state=STATE, callback_path="/auth/callback", inbox=inbox)
    port = srv.port  # chosen by the system while bound: no window for another process to take it
    assert get(f"http://127.0.0.1:{port}/nothing")[0] == 404  # leaves a TIME_WAIT behind
    srv.close()
    again = loopback.start([port], state=STATE, callback_path="/auth/callback", inbox=inbox)
    try:
        assert again.port == port
        assert get(f"http://127.0.0.1:{port}/nothing")[0] == 404
    finally:
        again.close()


def test_close_answers_a_browser_still_waiting(inbox):
    srv = loopback.start([0], state=STATE, callback_path="/auth/callback", inbox=inbox)
    result = {}
    thread = threading.Thread(target=lambda: result.update(
        status=get(base(srv) + f"/auth/callback?code=c&state={STATE}")[0]))
    thread.start()
    inbox.get(timeout=5)
    srv.close()
    thread.join(5)
    assert result["status"] == 409


def test_busy_first_port_falls_back_to_the_next(inbox):
    messages = []
    with squat() as busy:
        first = port_of(busy)
        srv = loopback.start([first, 0], state=STATE, callback_path="/auth/callback", inbox=inbox,
                             on_message=messages.append)
        try:
            assert srv.port not in (first, 0)
            assert messages == [f"Port {first} is busy, using {srv.port}."]
        finally:
            srv.close()


def test_all_ports_busy_is_a_quick_clear_error(inbox):
    with squat() as one, squat() as two:
        ports = [port_of(one), port_of(two)]
        started = time.monotonic()
        with pytest.raises(loopback.PortsBusy) as caught:
            loopback.start(ports, state=STATE, callback_path="/auth/callback", inbox=inbox)
        assert time.monotonic() - started < 3
    text = caught.value.render()
    assert "--method device" in text and "--method paste" in text and "--callback-port" in text


def test_a_stale_listener_of_the_same_state_dir_gives_the_port_up(inbox, tmp_path):
    stale_inbox: queue.Queue = queue.Queue()
    stale = loopback.start([0], state="old", callback_path="/auth/callback", inbox=stale_inbox,
                           key_dir=tmp_path)
    port = stale.port

    def stale_owner_stops_when_asked():
        if isinstance(stale_inbox.get(timeout=5), loopback.CancelRequested):
            stale.close()

    owner = threading.Thread(target=stale_owner_stops_when_asked)
    owner.start()
    fresh = loopback.start([port], state=STATE, callback_path="/auth/callback", inbox=inbox, key_dir=tmp_path)
    owner.join(5)
    try:
        assert fresh.port == port
    finally:
        fresh.close()
