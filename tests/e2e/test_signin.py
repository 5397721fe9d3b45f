"""`openclaw models auth login` end to end: the real command against the real OAuth test server.

openai-codex listens on the `codex_ports` fixture's two ports: free ports chosen for the test on the
machine's own network, the registered 1455 and 1457 inside a private network namespace (the tests
marked `codex_default_ports` run there again, from tests/e2e/test_codex_ports.py).
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import json_lines, snapshot_files
from tests.support.oauth_server import decode_jwt

default_ports = pytest.mark.codex_default_ports

CODEX_PARAMS = {
    "response_type": "code",
    "client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
    "scope": "openid profile email offline_access",
    "code_challenge_method": "S256",
    "id_token_add_organizations": "true",
    "codex_cli_simplified_flow": "true",
    "originator": "openclaw",
}
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
LOGIN = ("models", "auth", "login")


class Login:
    """A running `openclaw models auth login` whose stderr is read line by line in the background."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self._lines: queue.Queue = queue.Queue()
        self.stderr_lines: list[str] = []
        self._pump = threading.Thread(target=self._read_stderr, daemon=True)
        self._pump.start()

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, pattern: str, timeout: float = 10) -> re.Match:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} on stderr:\n{''.join(self.stderr_lines)}")

    def authorize_url(self) -> str:
        return self.wait_for(r"^(http://\S+/oauth/authorize\?\S+)$").group(1)

    def paste(self, text: str) -> None:
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 10) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=timeout)
        self._pump.join(timeout)
        return code, self.proc.stdout.read(), "".join(self.stderr_lines)


def browser_get(url: str, *, method: str = "GET", data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with OPENER.open(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def squat(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(8)
    return sock


def wait_port_free(port: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not port_is_free(port):
        assert time.monotonic() < deadline, f"port {port} still busy"
        time.sleep(0.05)


def callback_uri(port: int) -> str:
    return f"http://127.0.0.1:{port}/auth/callback"


@pytest.fixture(autouse=True)
def codex_ports_free(codex_ports):
    """Every test starts and ends with both callback ports free: no listener may outlive its login."""
    for port in codex_ports:
        wait_port_free(port)
    yield
    for port in codex_ports:
        wait_port_free(port)


@pytest.fixture
def login(spawn_cli, oauth, point_codex_at):
    point_codex_at(oauth)

    def start(*args: str, provider: str = "openai-codex") -> Login:
        return Login(spawn_cli(*LOGIN, "--provider", provider, *args))

    return start


def stored(state_dir: Path, provider: str = "openai-codex") -> dict:
    return json.loads((state_dir / "credentials" / f"{provider}.json").read_text())


@default_ports
def test_browser_flow_stores_the_credential(login, oauth, state_dir, codex_ports):
    run = login("--no-browser")
    url = run.authorize_url()
    params = query_of(url)
    assert url.startswith(f"{oauth.issuer}/oauth/authorize?")
    assert {k: params[k] for k in CODEX_PARAMS} == CODEX_PARAMS
    assert params["redirect_uri"] == callback_uri(codex_ports[0])
    assert set(params) == {*CODEX_PARAMS, "redirect_uri", "code_challenge", "state"}
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", params["code_challenge"])
    assert len(params["state"]) >= 32

    status, page = browser_get(oauth.authorize(url))
    code, _, stderr = run.finish()

    assert (status, code) == (200, 0), stderr
    assert "Signed in" in page and "dev@example.com" in page
    creds = state_dir / "credentials"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o700
    assert stat.S_IMODE((creds / "openai-codex.json").stat().st_mode) == 0o600
    record = stored(state_dir)
    assert {"provider", "type", "access_token", "refresh_token", "expires_at", "scope", "id_token", "account_id",
            "email", "plan", "last_refresh"} <= set(record)
    assert (record["provider"], record["type"]) == ("openai-codex", "oauth")
    assert (record["email"], record["plan"], record["account_id"]) == ("dev@example.com", "plus", "acct_test")
    assert record["expires_at"] == decode_jwt(record["access_token"])["exp"] * 1000
    assert oauth.is_access_token_valid(record["access_token"])
    assert oauth.stats["token_authorization_code"] == 1
    assert "Signed in to" in stderr


@default_ports
def test_paste_flow_rejects_garbage_then_takes_the_redirect_url(login, oauth, state_dir, codex_ports):
    run = login("--method", "paste", "--no-browser")
    url = run.authorize_url()
    assert query_of(url)["redirect_uri"] == callback_uri(codex_ports[0])
    assert port_is_free(codex_ports[0])  # paste alone listens nowhere
    location = oauth.authorize(url)

    run.paste("garbage")
    run.wait_for(r"Not accepted: that is neither")
    run.paste(location.replace(query_of(location)["state"], "someone-elses-state"))
    run.wait_for(r"Not accepted: that address belongs to a different sign-in")
    run.paste(location)
    code, _, stderr = run.finish()

    assert code == 0, stderr
    assert stored(state_dir)["email"] == "dev@example.com"
    assert "garbage" not in stderr


def test_paste_wins_the_race_with_the_loopback(login, oauth, state_dir):
    run = login("--no-browser")
    location = oauth.authorize(run.authorize_url())
    code_value = query_of(location)["code"]
    run.paste(code_value)  # the bare code is enough
    code, _, stderr = run.finish()
    assert code == 0, stderr
    assert code_value not in stderr
    assert oauth.stats["token_authorization_code"] == 1


def test_openai_device_flow(login, oauth, state_dir):
    run = login("--method", "device")
    uri = run.wait_for(r"open (\S+) on any device").group(1)
    user_code = run.wait_for(r"^\s+([A-Z]{4}-[A-Z]{4})\s*$").group(1)
    assert uri == f"{oauth.issuer}/codex/device"
    oauth.approve_device(user_code)
    code, _, stderr = run.finish()
    assert code == 0, stderr
    assert stored(state_dir)["plan"] == "plus"
    assert oauth.stats["token_authorization_code"] == 1 and oauth.stats["device_poll"] >= 1


def test_rfc8628_device_flow_for_a_provider_defined_in_the_providers_file(login, oauth, state_dir):
    run = login("--method", "device", "--json", provider="localidp")
    user_code = run.wait_for(r"^\s+([A-Z]{4}-[A-Z]{4})\s*$").group(1)
    oauth.approve_device(user_code)
    code, stdout, stderr = run.finish()
    assert code == 0, stderr
    events = json_lines(stdout)
    assert events[0] == {"event": "device_code", "user_code": user_code, "verification_uri": f"{oauth.issuer}/device"}
    assert events[-1]["event"] == "signed_in" and events[-1]["provider"] == "localidp"
    assert stored(state_dir, "localidp")["email"] == "dev@example.com"
    assert oauth.stats["token_device"] >= 1


def test_custom_provider_browser_flow_on_its_own_callback_port(login, oauth, state_dir):
    port = 18000 + os.getpid() % 2000
    oauth.add_redirect_uri(f"http://127.0.0.1:{port}/auth/callback")
    run = login("--no-browser", "--callback-port", str(port), provider="localidp")
    url = run.authorize_url()
    assert query_of(url)["client_id"] == "test-oidc-client"
    assert "originator" not in query_of(url)
    status, _ = browser_get(oauth.authorize(url))
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    assert stored(state_dir, "localidp")["provider"] == "localidp"


def test_json_event_stream_and_no_secret_anywhere(login, oauth, state_dir):
    run = login("--no-browser", "--json")
    url = run.authorize_url()
    location = oauth.authorize(url)
    browser_get(location)
    code, stdout, stderr = run.finish()
    assert code == 0, stderr
    events = json_lines(stdout)
    assert [e["event"] for e in events] == ["authorize_url", "waiting", "signed_in"]
    assert events[0]["url"] == url
    assert 590 <= events[1]["timeout"] <= 600  # the default, less what starting the sign-in took
    record = stored(state_dir)
    assert events[2] == {"event": "signed_in", "provider": "openai-codex", "email": "dev@example.com",
                         "plan": "plus", "expires_at": record["expires_at"]}
    for secret in (record["access_token"], record["refresh_token"], record["id_token"], query_of(location)["code"]):
        assert secret not in stdout and secret not in stderr


@default_ports
def test_stray_callbacks_are_refused_and_the_wait_goes_on(login, oauth, state_dir, codex_ports):
    run = login("--no-browser")
    url = run.authorize_url()
    location = oauth.authorize(url)
    port = codex_ports[0]
    callback = callback_uri(port)
    assert browser_get(f"{callback}?code=x&state=not-the-state")[0] == 400
    assert browser_get(f"{callback}?state={query_of(url)['state']}")[0] == 400
    assert browser_get(f"http://127.0.0.1:{port}/somewhere-else")[0] == 404
    assert browser_get(f"http://127.0.0.1:{port}/cancel")[0] == 403  # any web page could send this GET
    assert browser_get(location, method="POST", data=b"a=b")[0] == 405
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x00\x01garbage\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.0 400")
    assert run.proc.poll() is None
    status, page = browser_get(location)
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    assert "Signed in" in page


def test_access_denied_reaches_the_user_verbatim(login, oauth, state_dir):
    oauth.deny_next_authorize("access_denied", "The workspace admin has disabled Codex sign-in")
    run = login("--no-browser")
    status, page = browser_get(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish()
    assert code == 1
    assert status == 400 and "The workspace admin has disabled Codex sign-in" in page
    assert "access_denied: The workspace admin has disabled Codex sign-in" in stderr
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


@pytest.mark.parametrize("fault, words", [
    ("400", "invalid_grant: injected failure"),
    ("500", "server_error: injected failure (HTTP 500)"),
    ("html", "HTML page instead of JSON"),
])
def test_token_endpoint_failure_stores_nothing(login, oauth, state_dir, fault, words):
    before = snapshot_files(state_dir)
    oauth.fail_next_token(fault)
    run = login("--no-browser")
    status, page = browser_get(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish()
    assert code == 1, stderr
    assert words in stderr and words.split(" (")[0] in page.replace("&#x27;", "'")
    assert status == 400
    assert snapshot_files(state_dir) == before


def test_token_endpoint_that_hangs_is_a_network_error(login, oauth, state_dir):
    before = snapshot_files(state_dir)
    oauth.fail_next_token("hang")
    run = login("--no-browser", "--timeout", "3")
    location = oauth.authorize(run.authorize_url())
    started = time.monotonic()
    status, _ = browser_get(location)
    code, _, stderr = run.finish()
    assert code == 1, stderr
    assert "did not answer within" in stderr
    assert time.monotonic() - started < 6
    assert snapshot_files(state_dir) == before


@default_ports
def test_both_ports_busy_fails_fast_naming_the_fixes(login, state_dir, codex_ports):
    first, second = codex_ports
    with squat(first), squat(second):
        started = time.monotonic()
        run = login("--no-browser")
        code, _, stderr = run.finish()
        elapsed = time.monotonic() - started
    assert code == 1
    assert elapsed < 3
    assert f"{first} and {second}" in stderr
    for fix in ("--method device", "--method paste", "--callback-port"):
        assert fix in stderr


@default_ports
def test_busy_first_port_falls_back_to_the_second(login, oauth, state_dir, codex_ports):
    first, second = codex_ports
    with squat(first):
        run = login("--no-browser")
        run.wait_for(rf"Port {first} is busy, using {second}")
        url = run.authorize_url()
        assert query_of(url)["redirect_uri"] == callback_uri(second)
        status, _ = browser_get(oauth.authorize(url))
        code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr


@default_ports
def test_a_new_login_takes_the_port_from_a_stale_one(login, oauth, state_dir, codex_ports):
    stale = login("--no-browser")
    stale.authorize_url()
    fresh = login("--no-browser")
    url = fresh.authorize_url()
    stale_code, _, stale_err = stale.finish()
    assert stale_code == 130 and f"took over port {codex_ports[0]}" in stale_err
    assert query_of(url)["redirect_uri"] == callback_uri(codex_ports[0])
    status, _ = browser_get(oauth.authorize(url))
    code, _, stderr = fresh.finish()
    assert (status, code) == (200, 0), stderr


@default_ports
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_while_waiting_exits_130_and_frees_the_port(login, state_dir, sig, codex_ports):
    run = login("--no-browser", "--json")
    run.authorize_url()
    run.wait_for(r"Waiting for sign-in")
    run.proc.send_signal(sig)
    code, stdout, stderr = run.finish()
    assert code == 130
    assert "cancelled" in stderr
    assert json_lines(stdout)[-1]["code"] == "CANCELLED"
    assert port_is_free(codex_ports[0])
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


@default_ports
def test_timeout_exits_124(login, state_dir, codex_ports):
    run = login("--no-browser", "--timeout", "1")
    code, _, stderr = run.finish()
    assert code == 124
    assert "no sign-in arrived within 1 s" in stderr and "--timeout" in stderr
    assert port_is_free(codex_ports[0])


def test_unusable_credentials_file_is_kept_aside(login, oauth, state_dir):
    creds = state_dir / "credentials"
    creds.mkdir(mode=0o700)
    (creds / "openai-codex.json").write_text('{"token": "from some other tool"}')
    run = login("--no-browser")
    status, _ = browser_get(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    kept = list(creds.glob("openai-codex.json.unusable-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"token": "from some other tool"}'
    assert "could not be used" in stderr and "access_token" in stderr
    assert stored(state_dir)["email"] == "dev@example.com"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-5", "0", "1e999"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(run_cli, state_dir, value):
    before = snapshot_files(state_dir)
    result = run_cli(*LOGIN, "--provider", "openai-codex", "--no-browser", f"--timeout={value}")
    assert result.returncode == 2, result.stderr
    assert "--timeout must be a positive number of seconds" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot_files(state_dir) == before


def test_a_browser_command_that_does_not_parse_is_a_usage_error(run_cli, state_dir):
    before = snapshot_files(state_dir)
    result = run_cli(*LOGIN, "--provider", "openai-codex", "--browser", 'firefox "x')
    assert result.returncode == 2, result.stderr
    assert "the --browser command 'firefox \"x' cannot be parsed" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot_files(state_dir) == before


def test_a_sign_in_waits_for_a_refresh_in_flight_and_is_not_overwritten(login, oauth, state_dir, monkeypatch):
    """A refresh holds the credential lock while it writes the tokens it got; a sign-in finishing meanwhile
    must wait and write after it, or the refresh's older tokens would replace the fresh sign-in."""
    from wizard.auth import oauth as oauth_client
    from wizard.auth import store
    from wizard.auth.refresh import credential_lock

    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    run = login("--method", "paste", "--no-browser")
    location = oauth.authorize(run.authorize_url())
    with credential_lock("openai-codex"):  # as a concurrent `openclaw models invoke` refreshing would
        run.paste(location)
        deadline = time.monotonic() + 10
        while oauth.stats["token_authorization_code"] < 1:  # the sign-in has its tokens and goes to save them
            assert time.monotonic() < deadline and run.proc.poll() is None, "".join(run.stderr_lines)
            time.sleep(0.01)
        with pytest.raises(subprocess.TimeoutExpired):
            run.proc.wait(timeout=0.5)  # it waits for the lock...
        assert not (state_dir / "credentials" / "openai-codex.json").exists()  # ...and has written nothing
        refreshed = oauth_client.credential_record("openai-codex", oauth.mint_tokens())
        store.save(refreshed)  # the refresh's write, under the lock
    code, _, stderr = run.finish()
    assert code == 0, stderr
    record = stored(state_dir)
    assert record["access_token"] != refreshed["access_token"]  # the sign-in wrote last
    assert oauth.is_access_token_valid(record["access_token"])


def test_api_key_provider_is_not_a_sign_in(run_cli, state_dir):
    """No sign-in flow for a key: login asks for the key (here stdin is empty, so it says how to give one)."""
    result = run_cli(*LOGIN, "--provider", "openai-api-key")
    assert result.returncode == 2
    assert "no OpenAI API key given" in result.stderr and "--key env:OPENAI_API_KEY" in result.stderr
    assert not (state_dir / "credentials").exists()


def test_unknown_provider_lists_the_known_ones(run_cli):
    result = run_cli(*LOGIN, "--provider", "nope")
    assert result.returncode == 2
    assert "openai-codex" in result.stderr


# --------------------------------------------------------------------------- in-process, the way the TUI drives it

class Recorder:
    """A SignInEvents that remembers what it was told."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []
        self.url_ready = threading.Event()

    def authorize_url(self, url):
        self.seen.append(("authorize_url", url))
        self.url_ready.set()

    def browser_launch(self, launch, callback_port):
        self.seen.append(("browser_launch", launch))

    def device_code(self, user_code, verification_uri):
        self.seen.append(("device_code", user_code))

    def waiting(self, deadline):
        self.seen.append(("waiting", deadline))

    def message(self, text):
        self.seen.append(("message", text))

    def paste_rejected(self, reason):
        self.seen.append(("paste_rejected", reason))

    def url(self) -> str:
        assert self.url_ready.wait(10)
        return next(value for kind, value in self.seen if kind == "authorize_url")


@pytest.fixture
def in_process(oauth, point_codex_at, state_dir, monkeypatch):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    point_codex_at(oauth)
    port = 20000 + os.getpid() % 2000
    oauth.add_redirect_uri(f"http://127.0.0.1:{port}/auth/callback")
    return port


def sign_in_thread(provider: str, options, events, **kwargs) -> tuple[threading.Thread, dict]:
    from wizard.auth.signin import sign_in

    outcome: dict = {}

    def run():
        try:
            outcome["record"] = sign_in(provider, options, events, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_in_process_paste_queue_and_rejections(in_process, oauth, state_dir):
    from wizard.auth.signin import SignInOptions

    events, pasted = Recorder(), queue.Queue()
    thread, outcome = sign_in_thread("localidp", SignInOptions(no_browser=True, callback_port=in_process, timeout=20),
                                     events, paste=pasted)
    location = oauth.authorize(events.url())
    pasted.put("not a code at all")
    pasted.put(location)
    thread.join(10)
    assert outcome["record"]["provider"] == "localidp", outcome
    assert [kind for kind, _ in events.seen] == ["authorize_url", "browser_launch", "waiting", "paste_rejected"]
    assert port_is_free(in_process)


def test_in_process_cancel_event_stops_the_wait(in_process, oauth):
    from wizard.auth.signin import SignInOptions
    from wizard.errors import Cancelled

    events, cancel = Recorder(), threading.Event()
    thread, outcome = sign_in_thread("localidp", SignInOptions(no_browser=True, callback_port=in_process, timeout=20),
                                     events, cancel=cancel)
    events.url()
    cancel.set()
    thread.join(5)
    assert isinstance(outcome["error"], Cancelled) and outcome["error"].exit_code == 130
    assert port_is_free(in_process)


def test_revoke_at_the_provider(in_process, oauth):
    from wizard.auth import oauth as client
    from wizard.auth import providers

    token = oauth.mint_tokens()["refresh_token"]
    assert client.revoke(providers.get("openai-codex"), token) is True
    assert client.revoke(providers.get("localidp"), "another") is True
    assert {token, "another"} <= oauth.revoked
