"""Sign-in attacks and faults, against the real `openclaw` process (issue 15 items 3-8): a response from
another issuer, cleartext issuers, the authorize URL on a command line, a starved or rebound listener,
a second sign-in taking the port, and a store that cannot keep the tokens.

Providers here are defined in providers.toml with callback ports picked for the test (never the
registered 1455/1457), so these tests run beside any other checkout's.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import json_lines, openclaw_argv, snapshot_files
from tests.e2e.test_hardening_tokens import start_login, stored, wait_until
from tests.e2e.test_signin import Login, browser_get, port_is_free, query_of
from tests.support.figures import detail, figure
from tests.test_loopback import free_port
from tests.test_reliability_auth import CommandLineWatcher

CALLBACK = "/auth/callback"
NOBODY = pwd.getpwnam("nobody")
AS_NOBODY = ["setpriv", f"--reuid={NOBODY.pw_uid}", f"--regid={NOBODY.pw_gid}", "--clear-groups"]


def idp(oauth, *ports: int, pid: str = "idp", extra: str = "") -> str:
    """A standard OIDC provider on the session's test server, calling back on `ports` (in order)."""
    for port in ports:
        oauth.add_redirect_uri(f"http://127.0.0.1:{port}{CALLBACK}")
    return (f'[providers.{pid}]\nissuer = "{oauth.issuer}"\nclient_id = "test-oidc-client"\n'
            f"redirect_ports = [{', '.join(str(p) for p in ports)}]\n{extra}")


def with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(params)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def raw_get(port: int, target: str, headers: dict[str, str]) -> int:
    """A GET with exactly these headers (urllib always sends its own Host); the status code."""
    lines = [f"GET {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), "Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall("\r\n".join(lines).encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


# =========================================================================== item 3: RFC 9207 and mix-up

def test_a_callback_from_another_issuer_is_refused_and_the_wait_goes_on(oauth, state_dir, spawn_cli):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = start_login(spawn_cli, "idp")
    location = oauth.authorize(run.authorize_url())  # a real code and the real state...
    mixed_up = with_query(location, iss="https://attacker.example")  # ...said to come from another issuer
    status, page = browser_get(mixed_up)
    assert status == 400 and "another provider" in page
    assert run.proc.poll() is None
    status, page = browser_get(location)
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    assert oauth.stats["token_authorization_code"] == 1  # the mixed-up response was never exchanged


def test_when_the_provider_advertises_iss_a_response_without_it_is_refused(oauth, state_dir, spawn_cli):
    oauth.send_iss_in_responses()
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = start_login(spawn_cli, "idp")
    location = oauth.authorize(run.authorize_url())
    assert query_of(location)["iss"] == oauth.issuer
    params = {k: v for k, v in query_of(location).items() if k != "iss"}
    status, _ = browser_get(f"http://127.0.0.1:{port}{CALLBACK}?{urllib.parse.urlencode(params)}")
    assert status == 400 and run.proc.poll() is None
    run.paste(with_query(location, iss=oauth.issuer + "/evil"))  # a paste is judged like the callback
    run.wait_for(r"Not accepted: This response names another provider")
    status, _ = browser_get(location)
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    figure("hostile issuers: a callback naming another issuer, and one missing the advertised iss, got 400 "
           "and the wait went on; the real one signed in")


def test_a_discovery_document_for_another_issuer_is_refused(oauth, state_dir, run_cli):
    oauth.override_discovery(issuer="https://login.attacker.example")
    (state_dir / "providers.toml").write_text(idp(oauth, free_port()))
    result = run_cli("models", "auth", "login", "--provider", "idp", "--no-browser", timeout=30)
    assert result.returncode == 1, result.stderr
    assert "names 'https://login.attacker.example' as its issuer" in result.stderr
    assert "/oauth/authorize" not in result.stderr and oauth.stats["authorize"] == 0


# =========================================================================== item 4: TLS except on loopback

def lan_address() -> str | None:
    """An IPv4 address of this machine that is not a loopback address, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.254", 9))  # no packet is sent: this only picks the outgoing address
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


class Counter:
    """A listener on the LAN address that counts every connection (none may come)."""

    def __init__(self, address: str):
        self.connections = 0
        self._listener = socket.create_server((address, 0))
        self.url = f"http://{address}:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def cleartext_issuer():
    address = lan_address()
    if address is None:
        yield None, "http://192.0.2.1:8080"  # TEST-NET-1: nothing answers there, nothing may be tried
        return
    counter = Counter(address)
    yield counter, counter.url
    counter.close()


def test_a_cleartext_issuer_off_loopback_is_refused_before_any_traffic(cleartext_issuer, oauth, state_dir, run_cli):
    counter, url = cleartext_issuer
    creds = state_dir / "credentials"
    creds.mkdir(mode=0o700)
    from wizard.auth import oauth as client

    record = client.credential_record("openai-codex", oauth.mint_tokens(access_ttl=-10))
    (creds / "openai-codex.json").write_text(json.dumps(record))
    (state_dir / "providers.toml").write_text(f'[providers.openai-codex]\nissuer = "{url}"\n')
    before = snapshot_files(state_dir)
    for args in (("models", "auth", "refresh", "--provider", "openai-codex"),
                 ("models", "auth", "login", "--provider", "openai-codex", "--no-browser"),
                 ("models", "auth", "login", "--provider", "openai-codex", "--method", "device")):
        result = run_cli(*args, timeout=30)
        assert result.returncode == 2, result.stderr
        assert f"issuer = '{url}' is not https" in result.stderr and "loopback" in result.stderr, result.stderr
    assert port_is_free(1455)
    assert snapshot_files(state_dir) == before
    if counter is not None:
        time.sleep(0.2)
        assert counter.connections == 0  # not one connection: the refresh token never left
    if counter is not None:
        figure("hostile issuers: an http issuer on this machine's LAN address refused with exit 2 by refresh, "
               "login and device login; connections made to it: 0")
    detail(f"hostile issuers: the http issuer tried was {url}")


@pytest.mark.parametrize("key, value, words", [
    ("token_endpoint", "http://{lan}/token", "token_endpoint = 'http://{lan}/token' is not https"),
    ("authorization_endpoint", "javascript:alert(document.cookie)//", "authorization_endpoint = "
                                                                       "'javascript:alert(document.cookie)//' is "
                                                                       "not an http(s) address"),
    ("revocation_endpoint", "file:///etc/passwd", "revocation_endpoint = 'file:///etc/passwd' is not an http(s)"),
])
def test_discovered_endpoints_must_be_https_too(oauth, state_dir, run_cli, key, value, words):
    lan = lan_address() or "192.0.2.1"
    oauth.override_discovery(**{key: value.format(lan=lan)})
    (state_dir / "providers.toml").write_text(idp(oauth, free_port()))
    result = run_cli("models", "auth", "login", "--provider", "idp", "--no-browser", timeout=30)
    assert result.returncode == 2, result.stderr
    assert words.format(lan=lan) in result.stderr
    assert oauth.stats["authorize"] == 0 and "/authorize?" not in result.stderr


# =========================================================================== item 5: no authorize URL on a command line

FAKE_BROWSER = r'''
import json, sys, urllib.error, urllib.request
log, mode, url = sys.argv[1], sys.argv[2], sys.argv[-1]
entry = {"argv": sys.argv[1:]}
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
handlers = [urllib.request.ProxyHandler({})] + ([NoRedirect()] if mode == "peek" else [])
if mode in ("follow", "peek"):
    try:
        with urllib.request.build_opener(*handlers).open(url, timeout=20) as response:
            entry["status"], entry["final"] = response.status, response.geturl()
    except urllib.error.HTTPError as error:
        entry["status"], entry["location"] = error.code, error.headers.get("Location")
with open(log, "a") as fh:
    fh.write(json.dumps(entry) + "\n")
'''


@pytest.fixture
def fake_browser(tmp_path):
    """`--browser` for a browser that logs its argv and then follows the link, peeks at it, or only records."""
    script = tmp_path / "fake_browser.py"
    script.write_text(FAKE_BROWSER)
    log = tmp_path / "browser.log"

    def command(mode: str) -> str:
        return f"{sys.executable} {script} {log} {mode}"

    def opened(timeout: float = 15) -> list[dict]:
        wait_until(lambda: log.exists() and log.read_text().strip(), "the browser", timeout)
        return [json.loads(line) for line in log.read_text().splitlines()]

    command.opened = opened
    return command


ONE_TIME_LINK = r"http://127\.0\.0\.1:(\d+)/start/[A-Za-z0-9_-]{32}"


def test_the_browser_gets_a_one_time_link_never_the_authorize_url(oauth, state_dir, spawn_cli, fake_browser):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    with CommandLineWatcher() as watcher:
        run = Login(spawn_cli("models", "auth", "login", "--provider", "idp", "--json",
                              "--browser", fake_browser("follow")))
        url = run.authorize_url()  # the terminal still shows the whole URL, for copying
        code, stdout, stderr = run.finish(timeout=30)
    assert code == 0, stderr
    [opened] = fake_browser.opened()
    link = opened["argv"][-1]
    assert re.fullmatch(ONE_TIME_LINK, link) and int(re.fullmatch(ONE_TIME_LINK, link).group(1)) == port
    assert opened["status"] == 200 and opened["final"].startswith(f"http://127.0.0.1:{port}{CALLBACK}?")
    assert json_lines(stdout)[0] == {"event": "authorize_url", "url": url}
    secrets = [query_of(url)["state"], query_of(url)["code_challenge"]]
    assert watcher.leaks(secrets) == [] and not watcher.saw("/oauth/authorize?")
    assert stored(state_dir, "idp")["email"] == "dev@example.com"
    figure("authorize URL on a command line: every process's argv, scanned throughout a browser sign-in, held "
           "neither its state nor its code challenge (the browser got a one-time link)")
    detail(f"authorize URL on a command line: {watcher.scans} scans")


def test_a_paste_sign_in_opens_a_one_time_link_too(oauth, state_dir, spawn_cli, fake_browser):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = Login(spawn_cli("models", "auth", "login", "--provider", "idp", "--method", "paste",
                          "--browser", fake_browser("peek")))
    url = run.authorize_url()
    [opened] = fake_browser.opened()
    assert re.fullmatch(ONE_TIME_LINK, opened["argv"][-1]) and "state=" not in opened["argv"][-1]
    assert (opened["status"], opened["location"]) == (302, url)
    assert port_is_free(port)  # paste listens for the link only, on a port of its own
    run.paste(oauth.authorize(url))
    code, _, stderr = run.finish()
    assert code == 0, stderr
    assert port_is_free(int(re.fullmatch(ONE_TIME_LINK, opened["argv"][-1]).group(1)))  # closed with the sign-in


def test_a_second_use_of_the_one_time_link_stops_the_sign_in(oauth, state_dir, spawn_cli, fake_browser):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = Login(spawn_cli("models", "auth", "login", "--provider", "idp", "--browser", fake_browser("record")))
    url = run.authorize_url()
    link = fake_browser.opened()[0]["argv"][-1]
    peek = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
    assert _status_and_location(peek, link) == (302, url)   # someone (a racing local process, say) got it first
    assert _status_and_location(peek, link)[0] == 410       # the browser arrives second: 410, and...
    code, _, stderr = run.finish()
    assert code == 1  # ...the sign-in stops loudly rather than ever completing for whoever was first
    assert "opened twice" in stderr
    assert not (state_dir / "credentials" / "idp.json").exists()
    assert port_is_free(port)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status_and_location(opener, url: str) -> tuple[int, str | None]:
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


def test_another_users_process_can_use_neither_the_link_nor_the_callback(oauth, state_dir, spawn_cli, fake_browser):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = Login(spawn_cli("models", "auth", "login", "--provider", "idp", "--browser", fake_browser("record")))
    url = run.authorize_url()
    link = fake_browser.opened()[0]["argv"][-1]

    def as_nobody(target: str) -> int:
        out = subprocess.run([*AS_NOBODY, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", target],
                             capture_output=True, text=True, timeout=20)
        return int(out.stdout)

    assert as_nobody(link) == 403  # refused, and not used up:
    peek = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
    assert _status_and_location(peek, link) == (302, url)
    location = oauth.authorize(url)
    assert as_nobody(location) == 403  # another user delivering a code (theirs or ours) is refused too
    status, _ = browser_get(location)
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    assert f"A process of another user (uid {NOBODY.pw_uid})" in stderr
    figure("authorize URL on a command line: another user's process got 403 from the one-time link and the "
           "callback (neither used up); the browser's own requests signed in")


# =========================================================================== item 6: starving and rebinding

def test_a_request_for_another_host_is_refused(oauth, state_dir, spawn_cli):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = start_login(spawn_cli, "idp")
    location = oauth.authorize(run.authorize_url())
    target = location.split(f":{port}", 1)[1]
    evil = {"Host": f"rebind.evil.example:{port}"}
    assert raw_get(port, "/cancel", {**evil, "X-OpenClaw-Loopback": "1"}) == 421
    assert raw_get(port, target, evil) == 421
    assert raw_get(port, target, {"Host": f"127.0.0.1:{port + 1}"}) == 421
    assert run.proc.poll() is None and oauth.stats["token_authorization_code"] == 0
    assert raw_get(port, target, {"Host": f"127.0.0.1:{port}"}) == 200
    code, _, stderr = run.finish()
    assert code == 0, stderr
    figure("hostile hosts: requests with Host rebind.evil.example (cancel and callback) and a wrong port got 421; "
           "the sign-in went on and completed")


SLOW_CLIENTS = r'''
import socket, sys, time
port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
open_, dropped, made = {}, 0, 0
def connect():
    global made
    s = socket.socket(); s.setblocking(False)
    s.connect_ex(("127.0.0.1", port)); made += 1
    return s
for i in range(count):
    open_[i] = connect()
print("ready", flush=True)
end = time.monotonic() + seconds
while time.monotonic() < end:
    for i, s in list(open_.items()):
        try:
            s.send(b"G")  # one byte of a request head that never ends
        except BlockingIOError:
            pass
        except OSError:
            s.close(); dropped += 1; open_[i] = connect()
    time.sleep(1)
print(made, dropped, flush=True)
'''
SLOW = 500


def thread_count(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def test_hundreds_of_slow_connections_neither_starve_the_callback_nor_pile_up_threads(oauth, state_dir, spawn_cli):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = start_login(spawn_cli, "idp")
    location = oauth.authorize(run.authorize_url())
    threads_before = thread_count(run.proc.pid)
    attacker = subprocess.Popen([sys.executable, "-c", SLOW_CLIENTS, str(port), str(SLOW), "12"],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert attacker.stdout.readline().strip() == "ready"
        most_threads = 0
        for _ in range(30):  # 6 s of the flood, past the 5 s head deadline: dropped ones come back
            most_threads = max(most_threads, thread_count(run.proc.pid))
            time.sleep(0.2)
        started = time.monotonic()
        status, page = browser_get(location)
        answered = time.monotonic() - started
        most_threads = max(most_threads, thread_count(run.proc.pid))
        code, _, stderr = run.finish()
    finally:
        attacker.kill()
        made, dropped = (attacker.communicate()[0].split() + ["?", "?"])[:2]
    assert (status, code) == (200, 0), stderr
    assert "Signed in" in page
    assert answered < 3
    assert most_threads <= threads_before + 2, (threads_before, most_threads)
    figure(f"slow connections: {SLOW} held open by one local process (one byte a second, reconnecting when "
           "dropped): the real callback was answered in under 3 s; the CLI gained at most 2 threads")
    detail(f"slow connections: answered in {answered:.2f} s; threads {most_threads} (before the flood: "
           f"{threads_before})")


# ================================================================ item 7: a second sign-in never kills a live one

def spawn_in(spawn_cli, state: Path, provider: str, *extra: str) -> Login:
    return Login(spawn_cli("models", "auth", "login", "--provider", provider, "--no-browser", *extra,
                           env={"OPENCLAW_STATE_DIR": str(state)}))


def test_a_sign_in_for_another_state_dir_takes_the_next_port_and_a_third_is_told_who_holds_them(
        oauth, state_dir, tmp_path, spawn_cli):
    first_port, second_port = free_port(), free_port()
    table = idp(oauth, first_port, second_port)
    states = []
    for name in ("one", "two", "three"):
        state = tmp_path / name
        state.mkdir(mode=0o700)
        (state / "providers.toml").write_text(table)
        states.append(state)
    first = spawn_in(spawn_cli, states[0], "idp")
    first_url = first.authorize_url()
    second = spawn_in(spawn_cli, states[1], "idp")
    second.wait_for(rf"Port {first_port} is in use by openclaw pid {first.proc.pid}, signing in to idp as user "
                    rf"\w+, using {second_port}\.")
    second_url = second.authorize_url()
    assert query_of(second_url)["redirect_uri"] == f"http://127.0.0.1:{second_port}{CALLBACK}"
    third = spawn_in(spawn_cli, states[2], "idp")
    code, _, third_err = third.finish()
    assert code == 1
    assert f"in use by another sign-in that is still waiting (openclaw pid {first.proc.pid}" in third_err
    assert "--method device" in third_err and "--method paste" in third_err
    assert first.proc.poll() is None and second.proc.poll() is None  # nobody was killed
    for run, url, state in ((first, first_url, states[0]), (second, second_url, states[1])):
        status, _ = browser_get(oauth.authorize(url))
        code, _, stderr = run.finish()
        assert (status, code) == (200, 0), stderr
        assert json.loads((state / "credentials" / "idp.json").read_text())["email"] == "dev@example.com"
    figure("second sign-in: another state dir's sign-in took the next registered port, a third was told which "
           "live sign-in holds the ports and to use --method device/paste; both live sign-ins completed")


def test_a_sign_in_of_another_user_is_never_killed(oauth, tmp_path, spawn_cli):
    """The first sign-in runs as `nobody` with its own state dir; root's sign-in must go elsewhere."""
    first_port, second_port = free_port(), free_port()
    table = idp(oauth, first_port, second_port)
    shared = Path(tempfile.mkdtemp(prefix="openclaw-h15-", dir="/tmp"))
    try:
        shared.chmod(0o755)
        theirs = shared / "nobody-state"
        theirs.mkdir(mode=0o700)
        (theirs / "providers.toml").write_text(table)
        for path in (theirs, theirs / "providers.toml"):
            os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_")}
        env.update(OPENCLAW_STATE_DIR=str(theirs), HOME=str(shared), NO_COLOR="1", PYTHONUNBUFFERED="1")
        proc = subprocess.Popen([*AS_NOBODY, *openclaw_argv("models", "auth", "login", "--provider", "idp",
                                                            "--no-browser")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, cwd=shared, bufsize=1)
        their_run = Login(proc)
        try:
            their_url = their_run.authorize_url()
            ours = tmp_path / "root-state"
            ours.mkdir(mode=0o700)
            (ours / "providers.toml").write_text(table)
            our_run = spawn_in(spawn_cli, ours, "idp")
            our_run.wait_for(rf"Port {first_port} is in use by openclaw pid \d+, signing in to idp as user nobody")
            our_url = our_run.authorize_url()
            assert proc.poll() is None
            status, _ = browser_get(oauth.authorize(our_url))
            assert (status, our_run.finish()[0]) == (200, 0)
            assert proc.poll() is None  # still waiting, untouched
            proc.stdin.write(oauth.authorize(their_url) + "\n")  # nobody's user pastes their redirect
            proc.stdin.flush()
            code, _, stderr = their_run.finish(timeout=20)
            assert code == 0, stderr
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# =========================================================================== item 8: the store is checked first

@pytest.mark.parametrize("blocker", ["credentials dir is a file", "credential path is a directory"])
def test_a_store_that_cannot_keep_the_tokens_is_found_before_the_browser_opens(oauth, state_dir, run_cli, blocker):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    if blocker == "credentials dir is a file":
        (state_dir / "credentials").write_text("not a directory")
        words = f"{state_dir / 'credentials'} is a regular file, not a directory"
        fix = f"mv {state_dir / 'credentials'} {state_dir / 'credentials'}.old"
    else:
        (state_dir / "credentials" / "idp.json").mkdir(parents=True)
        words = f"{state_dir / 'credentials' / 'idp.json'} is a directory"
        fix = f"mv {state_dir / 'credentials' / 'idp.json'}"
    before = snapshot_files(state_dir)
    started = time.monotonic()
    result = run_cli("models", "auth", "login", "--provider", "idp", "--browser", "false", timeout=30)
    assert result.returncode == 1, result.stderr
    assert words in result.stderr and fix in result.stderr, result.stderr
    assert time.monotonic() - started < 5
    assert "/authorize?" not in result.stderr and "Opened" not in result.stderr
    assert oauth.stats["authorize"] == 0 and sum(oauth.stats.values()) == 0  # not one request
    assert port_is_free(port) and snapshot_files(state_dir) == before
    if blocker == "credentials dir is a file":
        device = run_cli("models", "auth", "login", "--provider", "idp", "--method", "device", timeout=30)
        assert device.returncode == 1 and words in device.stderr and oauth.stats["device_usercode"] == 0


def test_a_store_failing_after_the_tokens_arrived_revokes_them_and_says_so(oauth, state_dir, spawn_cli):
    port = free_port()
    (state_dir / "providers.toml").write_text(idp(oauth, port))
    run = start_login(spawn_cli, "idp")
    url = run.authorize_url()
    creds = state_dir / "credentials"
    shutil.rmtree(creds, ignore_errors=True)  # the disk changes under the running sign-in, after its check passed
    creds.write_text("not a directory")
    status, page = browser_get(oauth.authorize(url))
    code, _, stderr = run.finish()
    assert code == 1 and status == 400
    assert "signed in, but the credentials could not be stored" in stderr
    assert "were revoked there, so none stays valid" in stderr, stderr
    assert oauth.stats["revoke"] == 2 and len(oauth.revoked) == 2
    assert all(not oauth.is_access_token_valid(token) for token in oauth.revoked if token.startswith("ey"))
    assert creds.read_text() == "not a directory"
