"""Tokens in flight, against the real `openclaw` process: signals during rotation (issue 15 item 1),
a total deadline on every request (item 2), provider text that tries to drive the terminal (item 13),
logout's per-token outcome (item 14) and what "one request" covers (item 15).

Every sign-in here uses a provider defined in providers.toml with a callback port picked for the
test, never the registered 1455/1457, so these tests run beside any other checkout's.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import openclaw_argv
from tests.e2e.test_signin import Login, browser_get, port_is_free, query_of
from tests.support.figures import detail, figure
from tests.test_loopback import free_port
from wizard.auth import oauth as oauth_client

CODEX = "openai-codex"
CALLBACK = "/auth/callback"
REFRESH = ("models", "auth", "refresh", "--provider", CODEX)


def stored(state_dir: Path, provider: str = CODEX) -> dict:
    return json.loads((state_dir / "credentials" / f"{provider}.json").read_text())


def seed_codex(oauth, state_dir: Path, *, access_ttl: int = -10) -> dict:
    """An expired (by default) openai-codex sign-in issued by the test server, written as a companion app would."""
    record = oauth_client.credential_record(CODEX, oauth.mint_tokens(access_ttl=access_ttl))
    creds = state_dir / "credentials"
    creds.mkdir(mode=0o700, exist_ok=True)
    path = creds / f"{CODEX}.json"
    path.write_text(json.dumps(record))
    path.chmod(0o600)
    return record


def wait_until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def idp_table(oauth, port: int, pid: str = "idp") -> str:
    """A standard OIDC provider on the session's test server, calling back on `port`."""
    oauth.add_redirect_uri(f"http://127.0.0.1:{port}{CALLBACK}")
    return f'[providers.{pid}]\nissuer = "{oauth.issuer}"\nclient_id = "test-oidc-client"\nredirect_port = {port}\n'


def start_login(spawn_cli, provider: str, *extra: str, env: dict | None = None) -> Login:
    return Login(spawn_cli("models", "auth", "login", "--provider", provider, "--no-browser", *extra, env=env))


def deliver(location: str) -> dict:
    """The browser following the provider's redirect back to the loopback, in the background."""
    page: dict = {}
    thread = threading.Thread(target=lambda: page.update(zip(("status", "body"), browser_get(location), strict=True)),
                              daemon=True)
    thread.start()
    page["thread"] = thread
    return page


# =========================================================================== item 1: signals during rotation

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_refresh_in_flight_keeps_the_rotated_token(oauth, point_codex_at, state_dir, spawn_cli,
                                                                     run_cli, sig):
    """The provider rotates at once and answers 2 s later; the signal lands in between."""
    point_codex_at(oauth)
    old = seed_codex(oauth, state_dir)
    oauth.delay_next_token_answer(2.0)
    proc = spawn_cli(*REFRESH)
    wait_until(lambda: oauth.stats["token_refresh"] == 1, "the refresh request")
    time.sleep(0.5)  # the server has rotated: the old refresh token is spent
    sent_at = time.monotonic()
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=20)
    waited = time.monotonic() - sent_at

    assert proc.returncode == 130, stderr
    assert "stored first" in stderr and "Traceback" not in stderr
    assert 0.8 < waited < 10  # it waited for the answer, then stopped
    record = stored(state_dir)
    assert record["refresh_token"] != old["refresh_token"]
    assert oauth.is_access_token_valid(record["access_token"])
    again = run_cli(*REFRESH)
    assert again.returncode == 0, again.stderr  # the sign-in survived: the next refresh works
    assert oauth.stats["token_refresh"] == 2
    figure(f"signals during rotation: {signal.Signals(sig).name} 0.5 s into a refresh the provider answered 2 s "
           "late -> the command waited for the answer, stored the rotated token, exit 130; the next refresh "
           "succeeded")
    detail(f"signals during rotation: {signal.Signals(sig).name} waited {waited:.1f} s")


def test_sigterm_during_the_code_exchange_keeps_the_sign_in(oauth, state_dir, spawn_cli, run_cli):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp_table(oauth, port))
    run = start_login(spawn_cli, "idp")
    oauth.delay_next_token_answer(2.0)
    page = deliver(oauth.authorize(run.authorize_url()))
    wait_until(lambda: oauth.stats["token_authorization_code"] == 1, "the code exchange")
    time.sleep(0.5)  # the code is spent
    run.proc.send_signal(signal.SIGTERM)
    code, _, stderr = run.finish(timeout=20)

    assert code == 130, stderr
    assert "stored first" in stderr and "Traceback" not in stderr
    record = stored(state_dir, "idp")
    assert oauth.is_access_token_valid(record["access_token"])
    page["thread"].join(10)
    assert port_is_free(port)
    again = run_cli("models", "auth", "refresh", "--provider", "idp")
    assert again.returncode == 0, again.stderr  # the stored sign-in is whole: its refresh token works
    figure("signals during rotation: SIGTERM while the code exchange was in flight -> tokens stored, exit 130")


# =========================================================================== item 2: a total deadline per request

class TrickleServer:
    """An HTTP server that answers every request one byte at a time, `interval` seconds apart: from the
    status line on ("head"), or after whole headers ("body"). No per-read timeout ever trips on it."""

    def __init__(self, mode: str, interval: float = 2.0, content_type: str = "application/json"):
        self.mode, self.interval, self.content_type = mode, interval, content_type
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                length = int(re.search(rb"(?im)^content-length:\s*(\d+)", data).group(1)) if b"ength:" in data else 0
                while len(data.partition(b"\r\n\r\n")[2]) < length:
                    data += connection.recv(65536)
            except (OSError, AttributeError):
                return
            self.requests.append(data)
            body = b'{"access_token": "at-' + b"x" * 200 + b'", "token_type": "Bearer"}'
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: {self.content_type}\r\nContent-Length: {len(body)}\r\n"
                    "\r\n").encode()
            try:
                if self.mode == "body":
                    connection.sendall(head)
                    trickled = body
                else:
                    trickled = head + body
                for byte in trickled:
                    if self._stop.wait(self.interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up: what a deadline is for

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


@pytest.fixture
def trickle():
    servers: list[TrickleServer] = []

    def make(mode: str, **kwargs) -> TrickleServer:
        servers.append(TrickleServer(mode, **kwargs))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.mark.parametrize("mode", ["head", "body"])
def test_a_token_endpoint_that_trickles_is_cut_off_and_the_lock_is_released(trickle, oauth, state_dir, spawn_cli,
                                                                           run_cli, tmp_path, mode):
    slow = trickle(mode)
    (state_dir / "providers.toml").write_text(f'[providers.openai-codex]\nissuer = "{slow.url}"\n')
    seed_codex(oauth, state_dir)
    started = time.monotonic()
    refresher = spawn_cli(*REFRESH, env={"OPENCLAW_HTTP_TIMEOUT": "3"})
    wait_until(lambda: slow.requests, "the refresh request")
    # Meanwhile another command needs the same credentials lock.
    replacement = tmp_path / "replacement.json"
    replacement.write_text(json.dumps(oauth_client.credential_record(CODEX, oauth.mint_tokens())))
    importer = spawn_cli("models", "auth", "import", "--provider", CODEX, "--file", str(replacement))
    _, stderr = refresher.communicate(timeout=30)
    elapsed = time.monotonic() - started
    _, import_err = importer.communicate(timeout=30)
    waited_for_lock = time.monotonic() - started

    assert refresher.returncode == 1, stderr
    assert "did not answer within 3 s" in stderr and "Traceback" not in stderr
    assert elapsed < 8
    assert importer.returncode == 0, import_err  # the lock was let go: the import did not time out on it
    assert waited_for_lock < 12
    assert stored(state_dir)["access_token"] == json.loads(replacement.read_text())["access_token"]
    figure(f"overall deadline: token endpoint trickling one byte every 2 s ({mode}) with OPENCLAW_HTTP_TIMEOUT=3 "
           "-> refresh cut off in under 8 s, exit 1, lock released")
    detail(f"overall deadline ({mode}): cut off after {elapsed:.1f} s")


def test_discovery_that_trickles_is_cut_off(trickle, state_dir, run_cli):
    slow = trickle("head", interval=0.5)
    (state_dir / "providers.toml").write_text(
        f'[providers.slowidp]\nissuer = "{slow.url}"\nclient_id = "c"\nredirect_port = {free_port()}\n')
    started = time.monotonic()
    result = run_cli("models", "auth", "login", "--provider", "slowidp", "--no-browser",
                     env={"OPENCLAW_HTTP_TIMEOUT": "2"}, timeout=30)
    assert result.returncode == 1, result.stderr
    assert "the discovery document of slowidp" in result.stderr and "did not answer within 2 s" in result.stderr
    assert time.monotonic() - started < 7


def test_the_sign_in_timeout_bounds_the_code_exchange_too(trickle, state_dir, spawn_cli):
    """--timeout 3 with OPENCLAW_HTTP_TIMEOUT at its default 30 s: the exchange is cut off by the sign-in's own
    deadline, not 30 s later."""
    slow = trickle("body")
    port = free_port()
    (state_dir / "providers.toml").write_text(
        f'[providers.slowidp]\nissuer = "{slow.url}"\nclient_id = "c"\ndiscovery = false\nredirect_port = {port}\n')
    started = time.monotonic()
    run = start_login(spawn_cli, "slowidp", "--timeout", "3")
    state = query_of(run.authorize_url())["state"]
    deliver(f"http://127.0.0.1:{port}{CALLBACK}?code=ac_{'c' * 30}&state={state}")
    code, _, stderr = run.finish(timeout=40)
    elapsed = time.monotonic() - started
    assert code == 1, stderr
    assert "did not answer within" in stderr
    assert elapsed < 7
    assert port_is_free(port)
    figure("overall deadline: --timeout 3 bounded the whole sign-in including a trickling exchange: ended in "
           "under 7 s")
    detail(f"overall deadline: --timeout 3 ended the sign-in after {elapsed:.1f} s")


def test_invoke_against_a_trickling_model_endpoint_is_cut_off(trickle, oauth, state_dir, run_cli):
    slow = trickle("body", content_type="text/event-stream")
    seed_codex(oauth, state_dir, access_ttl=3600)
    (state_dir / "providers.toml").write_text(
        f'[providers.openai-codex]\nissuer = "{oauth.issuer}"\ninvoke_url = "{slow.url}/backend-api/codex/responses"\n')
    started = time.monotonic()
    result = run_cli("models", "invoke", "--provider", CODEX, "--model", "openai-codex/gpt-5.2", "--prompt", "hi",
                     env={"OPENCLAW_HTTP_TIMEOUT": "3"}, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "did not answer within 3 s" in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 8


# =========================================================================== item 13: provider text is data

# Clear screen, an OSC 52 clipboard write, an OSC 8 hyperlink, an 8-bit CSI, BEL, CR, backspace and a
# right-to-left override: each would make a terminal do something instead of showing text.
HOSTILE = ("Denied\x1b[2J\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\ "
           "\x9b31mred\x9b0m\rover\x08\u202egnp.exe")
VISIBLE = ("Denied", "click here", "red", "over", "gnp.exe")


def assert_only_text(data: bytes, where: str) -> None:
    """No C0 control but newline and tab, no DEL, no C1 (raw or UTF-8 encoded), no bidi override."""
    text = data.decode("utf-8")
    bad = sorted({f"U+{ord(ch):04X}" for ch in text
                  if (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F
                  or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069})
    assert not bad, f"terminal controls {bad} in {where}: {text!r}"


def run_bytes(cli_env: dict, cwd: Path, *args: str, env: dict | None = None, timeout: float = 60):
    return subprocess.run(openclaw_argv(*args), capture_output=True, env={**cli_env, **(env or {})}, cwd=cwd,
                          timeout=timeout, stdin=subprocess.DEVNULL)


class HostileEndpoint:
    """A small HTTP server answering fixed documents per path: a provider that is not on our side."""

    def __init__(self, routes: dict[str, tuple[int, str, str]]):
        import http.server

        self.routes = routes
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                status, content_type, body = outer.routes.get(self.path.split("?")[0], (404, "text/plain", "no"))
                payload = body.replace("{issuer}", outer.url).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile():
    endpoints: list[HostileEndpoint] = []

    def make(routes: dict) -> HostileEndpoint:
        endpoints.append(HostileEndpoint(routes))
        return endpoints[-1]

    yield make
    for endpoint in endpoints:
        endpoint.close()


def test_a_refresh_error_description_that_drives_the_terminal_is_printed_as_text(oauth, point_codex_at, state_dir,
                                                                                 cli_env, tmp_path):
    point_codex_at(oauth)
    seed_codex(oauth, state_dir)
    oauth.refuse_next_token("server_error", HOSTILE, status=500)
    result = run_bytes(cli_env, tmp_path, *REFRESH)
    assert result.returncode == 1, result.stderr
    assert_only_text(result.stderr, "models auth refresh stderr")
    assert all(word.encode() in result.stderr for word in VISIBLE), result.stderr
    json_result = run_bytes(cli_env, tmp_path, *REFRESH, "--json")
    assert_only_text(json_result.stdout + json_result.stderr, "--json output")
    figure("provider text: an error_description with ESC[2J, OSC 52, OSC 8, 8-bit CSI, BEL, CR, BS and RLO "
           "-> printed by refresh (human and --json) with no control character left, its words kept")


def test_a_callback_error_description_that_drives_the_terminal_is_printed_as_text(oauth, state_dir, spawn_cli):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp_table(oauth, port))
    oauth.deny_next_authorize("access_denied", HOSTILE)
    run = start_login(spawn_cli, "idp")
    page = deliver(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish(timeout=20)
    page["thread"].join(10)
    assert code == 1, stderr
    assert_only_text(stderr.encode(), "models auth login stderr")
    assert "access_denied: Denied" in stderr and "click here" in stderr


def test_a_device_code_and_address_that_drive_the_terminal_are_shown_as_text(hostile, state_dir, cli_env, tmp_path):
    evil = hostile({
        "/.well-known/openid-configuration": (200, "application/json", json.dumps({
            "issuer": "{issuer}", "authorization_endpoint": "{issuer}/authorize", "token_endpoint": "{issuer}/token",
            "device_authorization_endpoint": "{issuer}/device"})),
        "/device": (200, "application/json", json.dumps({
            "device_code": "dc", "user_code": "WDJB\x1b[2J-MJHT", "verification_uri": "{issuer}/go\x1b]52;c;eA==\x07",
            "interval": 1, "expires_in": 2})),
        "/token": (400, "application/json", json.dumps({"error": "authorization_pending"})),
    })
    (state_dir / "providers.toml").write_text(f'[providers.evil]\nissuer = "{evil.url}"\nclient_id = "c"\n')
    result = run_bytes(cli_env, tmp_path, "models", "auth", "login", "--provider", "evil", "--method", "device",
                       "--json", timeout=30)
    assert result.returncode == 1, result.stderr  # the code expires after 2 s
    assert_only_text(result.stderr + result.stdout, "device sign-in output")
    assert b"WDJB-MJHT" in result.stderr and f"{evil.url}/go".encode() in result.stderr


def test_account_values_from_a_credential_file_are_shown_as_text(oauth, state_dir, cli_env, tmp_path):
    record = oauth_client.credential_record(CODEX, oauth.mint_tokens(access_ttl=3600))
    record.update(email="dev\x1b[2J@example.com", plan="plus\x1b]52;c;eA==\x07", account_id="acct\x9b31m")
    seed = state_dir / "credentials"
    seed.mkdir(mode=0o700)
    (seed / f"{CODEX}.json").write_text(json.dumps(record))
    (seed / f"{CODEX}.json").chmod(0o600)
    for args in (("models", "auth", "status"), ("models", "auth", "status", "--provider", CODEX),
                 ("models", "status")):
        result = run_bytes(cli_env, tmp_path, *args)
        assert result.returncode in (0, 1), result.stderr
        assert_only_text(result.stdout + result.stderr, " ".join(args))
        assert b"dev@example.com" in result.stdout
    figure("provider text: hostile email, plan and account id in a credential file -> 3 status commands "
           "printed them with no control character")


def test_a_model_reply_and_an_invoke_error_that_drive_the_terminal_are_printed_as_text(oauth, point_codex_at,
                                                                                      state_dir, cli_env, tmp_path,
                                                                                      hostile):
    point_codex_at(oauth)
    seed_codex(oauth, state_dir, access_ttl=3600)
    invoke = ("models", "invoke", "--provider", CODEX, "--model", "openai-codex/gpt-5.2", "--prompt")
    echoed = run_bytes(cli_env, tmp_path, *invoke, "hi " + HOSTILE)  # the test server echoes the prompt
    assert echoed.returncode == 0, echoed.stderr
    assert_only_text(echoed.stdout, "models invoke reply")
    assert b"echo: hi Denied" in echoed.stdout
    evil = hostile({"/v1/responses": (403, "application/json",
                                      json.dumps({"error": {"message": HOSTILE, "code": "forbidden"}}))})
    (state_dir / "providers.toml").write_text(
        f'[providers.openai-codex]\nissuer = "{oauth.issuer}"\ninvoke_url = "{evil.url}/v1/responses"\n')
    refused = run_bytes(cli_env, tmp_path, *invoke, "hi")
    assert refused.returncode == 1
    assert_only_text(refused.stderr, "models invoke error")
    assert b"HTTP 403: Denied" in refused.stderr


@pytest.mark.parametrize("completed", [[1], "text", {"output": 5}, {"output": [{"type": "message", "content": 7}]}])
def test_a_model_stream_of_the_wrong_shapes_is_read_not_a_traceback(completed, oauth, point_codex_at, state_dir,
                                                                     cli_env, tmp_path, hostile):
    """A response.completed whose response, output or content has the wrong JSON type (found by mypy --strict):
    the streamed text is the reply, where `models invoke` used to die with AttributeError or TypeError."""
    point_codex_at(oauth)
    seed_codex(oauth, state_dir, access_ttl=3600)
    events = [{"type": "response.output_text.delta", "delta": "streamed text"},
              {"type": "response.completed", "response": completed}]
    odd = hostile({"/v1/responses": (200, "text/event-stream", "".join(f"data: {json.dumps(e)}\n\n" for e in events))})
    (state_dir / "providers.toml").write_text(
        f'[providers.openai-codex]\nissuer = "{oauth.issuer}"\ninvoke_url = "{odd.url}/v1/responses"\n')
    result = run_bytes(cli_env, tmp_path, "models", "invoke", "--provider", CODEX, "--model", "openai-codex/gpt-5.2",
                       "--prompt", "hi")
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    assert b"streamed text" in result.stdout


# =========================================================================== item 14: logout per token

def test_logout_says_the_sign_in_ended_when_only_the_access_token_was_refused(oauth, point_codex_at, state_dir,
                                                                               run_cli):
    point_codex_at(oauth)
    record = seed_codex(oauth, state_dir, access_ttl=3600)
    oauth.refuse_access_token_revocation()
    result = run_cli("models", "auth", "logout", "--provider", CODEX)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"revoked the refresh token at {oauth.issuer}: the sign-in is ended"
    assert lines[1].startswith(f"{oauth.issuer} refused to revoke the access token (unsupported_token_type: ")
    assert "it stays valid until it expires (in 59m)" in lines[1] or "(in 1h)" in lines[1]
    assert "could not revoke" not in result.stdout and "tokens stay valid" not in result.stdout
    assert record["refresh_token"] in oauth.revoked and record["access_token"] not in oauth.revoked

    seed_codex(oauth, state_dir, access_ttl=3600)
    data = json.loads(run_cli("models", "auth", "logout", "--provider", CODEX, "--json").stdout)
    assert data["revoked"] is True
    assert data["revocation"]["refresh_token"] == {"outcome": "revoked", "detail": None}
    assert data["revocation"]["access_token"]["outcome"] == "refused"
    assert data["revocation"]["access_token"]["detail"].startswith("unsupported_token_type")


# =========================================================================== item 15: what "one request" covers

EXPLICIT = 4


def test_explicit_refreshes_always_refresh_and_implicit_ones_collapse(oauth, point_codex_at, state_dir, spawn_cli):
    """`models auth refresh` is a request to refresh: N at once make N rotations, each from the token the one
    before stored (under the lock), and the last one still works. Implicit refreshes (invoke with an expired
    token) collapse to one."""
    point_codex_at(oauth)
    seed_codex(oauth, state_dir)
    explicit = [spawn_cli(*REFRESH) for _ in range(EXPLICIT)]
    results = [proc.communicate(timeout=60) for proc in explicit]
    assert [proc.returncode for proc in explicit] == [0] * EXPLICIT, [err for _, err in results]
    assert oauth.stats["token_refresh"] == EXPLICIT
    assert oauth.is_access_token_valid(stored(state_dir)["access_token"])

    oauth.reset()
    seed_codex(oauth, state_dir)
    invoke = ("models", "invoke", "--provider", CODEX, "--model", "openai-codex/gpt-5.2", "--prompt", "hi")
    implicit = [spawn_cli(*invoke) for _ in range(EXPLICIT)]
    results = [proc.communicate(timeout=60) for proc in implicit]
    assert [proc.returncode for proc in implicit] == [0] * EXPLICIT, [err for _, err in results]
    assert oauth.stats["token_refresh"] == 1 and oauth.stats["invoke"] == EXPLICIT
    figure(f"one request: {EXPLICIT} explicit `models auth refresh` at once -> {EXPLICIT} rotations, all exit 0; "
           f"{EXPLICIT} `models invoke` with an expired token at once -> 1 refresh")
