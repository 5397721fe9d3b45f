"""Sign-in end to end against an OpenID provider we did not write: panva's oidc-provider.

The real `openclaw` runs as a subprocess; the provider (installed from the npm registry,
OpenID Certified) runs on 127.0.0.1 with a public client, PKCE required, refresh-token
rotation, revocation, RFC 8628 device flow, RFC 9207 `iss` and RS256 id_tokens. The test
plays the user's browser with plain HTTP: it opens whatever URL the CLI shows, signs in on
the provider's own login and consent pages, and lands on the CLI's loopback callback.
The project's own test server (tests/support/oauth_server.py) stays for the faults it scripts.
"""

from __future__ import annotations

import json
import queue
import re
import stat
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import json_lines
from tests.support.independent_idp import Browser, Page, Redirected

PROVIDER = "certidp"
LOGIN = ("models", "auth", "login", "--provider", PROVIDER, "--no-browser")
SEED_RECORD_KEYS = {"provider", "type", "access_token", "refresh_token", "expires_at", "scope", "id_token",
                    "email", "last_refresh"}


class Run:
    """A running `openclaw` whose stdout and stderr are read line by line in the background."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.lines: dict[str, list[str]] = {"stdout": [], "stderr": []}
        self._queues: dict[str, queue.Queue] = {"stdout": queue.Queue(), "stderr": queue.Queue()}
        self._pumps = [threading.Thread(target=self._pump, args=(name,), daemon=True) for name in self.lines]
        for pump in self._pumps:
            pump.start()

    def _pump(self, name: str) -> None:
        for line in getattr(self.proc, name):
            self.lines[name].append(line)
            self._queues[name].put(line)
        self._queues[name].put(None)

    def wait_for(self, pattern: str, *, stream: str = "stderr", timeout: float = 15) -> re.Match:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queues[stream].get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} on {stream}:\n{''.join(self.lines[stream])}")

    def shown_url(self) -> str:
        """The first URL the CLI prints on stderr for the user to open."""
        return self.wait_for(r"^(https?://\S+)\s*$").group(1)

    def event(self, name: str) -> dict:
        line = self.wait_for(rf'^\{{"event": "{name}"', stream="stdout").string
        return json.loads(line)

    def paste(self, text: str) -> None:
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def still_waiting(self, seconds: float = 0.5) -> bool:
        try:
            self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return True
        return False

    def finish(self, timeout: float = 20) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=timeout)
        for pump in self._pumps:
            pump.join(timeout)
        return code, "".join(self.lines["stdout"]), "".join(self.lines["stderr"])


# --------------------------------------------------------------------------- the user at the provider

def sign_in_at_provider(browser: Browser, url: str, *, user: str, stop_at=None,
                        until: str = "") -> Page | Redirected:
    """Open `url` and get through the provider's login and consent pages as `user` (up to the `until` one)."""
    return answer_prompts(browser, browser.go(url, stop_at=stop_at), user=user, stop_at=stop_at, until=until)


def answer_prompts(browser: Browser, result: Page | Redirected, *, user: str, stop_at=None,
                   until: str = "") -> Page | Redirected:
    for _ in range(4):
        prompt = _prompt(result)
        if prompt and prompt == until:
            return result
        if prompt == "login":
            result = browser.submit(result, login=user, password="any password", stop_at=stop_at)
        elif prompt == "consent":
            result = browser.submit(result, stop_at=stop_at)
        else:
            return result
    raise AssertionError(f"the provider kept asking: {result}")


def _prompt(result: Page | Redirected) -> str:
    if not isinstance(result, Page):
        return ""
    forms = [form.fields.get("prompt", "") for form in result.forms()]
    return forms[0] if forms else ""


def approve_device(browser: Browser, verification_uri: str, user_code: str, *, user: str) -> Page:
    """Enter the code on the provider's device page, confirm it, sign in and consent."""
    entry = browser.go(verification_uri)
    assert isinstance(entry, Page) and entry.status == 200, entry
    confirm = browser.submit(entry, user_code=user_code)
    assert isinstance(confirm, Page) and "op.deviceConfirmForm" in confirm.body, confirm
    done = answer_prompts(browser, browser.submit(confirm, form_id="op.deviceConfirmForm"), user=user)
    assert isinstance(done, Page) and "Sign-in Success" in done.body, done
    return done


def at_callback(idp):
    """A stop_at for the browser: the CLI's loopback callback (so the test can deliver or paste it itself)."""
    def stop(url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        return (parts.hostname, parts.port, parts.path) in {("127.0.0.1", port, "/auth/callback")
                                                            for port in idp.redirect_ports}

    return stop


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def with_query(url: str, **changes: str | None) -> str:
    parts = urllib.parse.urlsplit(url)
    params = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    return parts._replace(query=urllib.parse.urlencode(params)).geturl()


# --------------------------------------------------------------------------- fixtures

@pytest.fixture
def idp(independent_idp, state_dir: Path):
    (state_dir / "providers.toml").write_text(independent_idp.providers_toml(PROVIDER))
    return independent_idp


@pytest.fixture
def login(spawn_cli, idp):
    def start(*args: str) -> Run:
        return Run(spawn_cli(*LOGIN, *args))

    return start


@pytest.fixture
def signed_in(login, state_dir: Path):
    """Sign in through the browser flow as `erin`; the stored record."""
    run = login()
    page = sign_in_at_provider(Browser(), run.shown_url(), user="erin")
    code, _, stderr = run.finish()
    assert code == 0 and isinstance(page, Page) and page.status == 200, stderr
    return stored(state_dir)


def stored(state_dir: Path) -> dict:
    return json.loads(credential_file(state_dir).read_text())


def credential_file(state_dir: Path) -> Path:
    return state_dir / "credentials" / f"{PROVIDER}.json"


# --------------------------------------------------------------------------- sign-in flows

def test_browser_flow_lands_on_the_loopback_and_stores_the_seed_shape(login, idp, state_dir):
    run = login("--json")
    url = run.event("authorize_url")["url"]
    params = query_of(url)
    assert url.startswith(idp.discovery()["authorization_endpoint"] + "?")
    assert params["client_id"] == idp.client_id and params["code_challenge_method"] == "S256"
    assert int(urllib.parse.urlsplit(params["redirect_uri"]).port) in idp.redirect_ports
    assert "client_secret" not in params

    page = sign_in_at_provider(Browser(), run.shown_url(), user="alice")
    code, stdout, stderr = run.finish()

    assert code == 0, stderr + "".join(idp.log)
    assert isinstance(page, Page) and page.status == 200 and "alice@example.test" in page.body
    assert page.url.startswith(params["redirect_uri"]) and "iss=" in page.url  # RFC 9207: iss came back
    assert "Signed in to certidp as alice@example.test" in stderr
    assert [e["event"] for e in json_lines(stdout)] == ["authorize_url", "waiting", "signed_in"]
    path = credential_file(state_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    record = stored(state_dir)
    assert SEED_RECORD_KEYS <= set(record)
    assert (record["provider"], record["type"], record["email"]) == (PROVIDER, "oauth", "alice@example.test")
    assert record["expires_at"] / 1000 == pytest.approx(time.time() + 3600, abs=120)
    assert "offline_access" in record["scope"].split()
    for secret in (record["access_token"], record["refresh_token"], record["id_token"]):
        assert secret not in stdout and secret not in stderr


def test_the_id_token_is_rs256_signed_by_a_key_in_the_providers_jwks(signed_in, idp):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    jwks = Browser().get_json(idp.discovery()["jwks_uri"])
    token = jwt.decode(signed_in["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert token.header["kid"] in {key["kid"] for key in jwks["keys"]}
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": idp.issuer}, aud={"essential": True, "value": idp.client_id},
                          sub={"essential": True, "value": "erin"}).validate(token.claims)


def test_paste_flow_takes_the_address_the_browser_landed_on(login, idp, state_dir):
    run = login("--method", "paste")
    landed = sign_in_at_provider(Browser(), run.shown_url(), user="bob", stop_at=at_callback(idp))
    assert isinstance(landed, Redirected), landed
    assert set(query_of(landed.url)) >= {"code", "state", "iss"}

    run.paste(landed.url)
    code, _, stderr = run.finish()

    assert code == 0, stderr
    assert stored(state_dir)["email"] == "bob@example.test"
    assert query_of(landed.url)["code"] not in stderr


def test_rfc8628_device_flow_approved_on_the_providers_device_page(login, idp, state_dir):
    run = login("--method", "device", "--json")
    device = run.event("device_code")
    assert device["verification_uri"] == f"{idp.issuer}/device"
    run.wait_for(rf"^\s+{re.escape(device['user_code'])}\s*$")  # shown to the user on stderr too

    approve_device(Browser(), device["verification_uri"], device["user_code"], user="carol")
    code, stdout, stderr = run.finish()

    assert code == 0, stderr
    assert json_lines(stdout)[-1]["event"] == "signed_in"
    record = stored(state_dir)
    assert (record["email"], bool(record["refresh_token"])) == ("carol@example.test", True)


def test_a_provider_error_reaches_the_user_verbatim_and_nothing_is_stored(login, idp, state_dir):
    run = login()
    browser = Browser()
    consent = sign_in_at_provider(browser, run.shown_url(), user="dave", until="consent")
    page = browser.go(consent.link("[ Cancel ]"))
    code, _, stderr = run.finish()

    assert code == 1
    assert "the provider did not complete the sign-in: access_denied: End-User aborted interaction" in stderr
    assert isinstance(page, Page) and page.status == 400 and "End-User aborted interaction" in page.body
    assert not credential_file(state_dir).exists()


# --------------------------------------------------------------------------- the callback refuses strangers

def _deliverable_callback(run: Run, idp, user: str) -> str:
    landed = sign_in_at_provider(Browser(), run.shown_url(), user=user, stop_at=at_callback(idp))
    assert isinstance(landed, Redirected), landed
    return landed.url


def test_a_callback_with_a_wrong_state_is_refused_and_the_wait_goes_on(login, idp, state_dir):
    run = login()
    callback = _deliverable_callback(run, idp, "frank")

    refused = Browser().go(with_query(callback, state="someone-elses-state"))
    assert isinstance(refused, Page) and refused.status == 400 and "Not this sign-in" in refused.body
    assert run.still_waiting()
    accepted = Browser().go(callback)
    code, _, stderr = run.finish()

    assert isinstance(accepted, Page) and accepted.status == 200 and code == 0, stderr
    assert stored(state_dir)["email"] == "frank@example.test"


WRONG_ISS = pytest.mark.parametrize("iss", ["http://127.0.0.1:9/not-the-issuer", None],
                                    ids=["wrong-iss", "missing-iss"])


@WRONG_ISS
def test_a_callback_with_a_wrong_or_missing_iss_is_refused_and_the_wait_goes_on(login, idp, state_dir, iss):
    # The provider advertises authorization_response_iss_parameter_supported: a mix-up defence must insist on it.
    run = login()
    callback = _deliverable_callback(run, idp, "grace")

    refused = Browser().go(with_query(callback, iss=iss))
    assert isinstance(refused, Page) and refused.status == 400, refused
    assert run.still_waiting()
    accepted = Browser().go(callback)
    code, _, stderr = run.finish()

    assert isinstance(accepted, Page) and accepted.status == 200 and code == 0, stderr
    assert stored(state_dir)["email"] == "grace@example.test"


@WRONG_ISS
def test_a_pasted_address_with_a_wrong_or_missing_iss_is_refused_and_the_wait_goes_on(login, idp, state_dir, iss):
    run = login("--method", "paste")
    callback = _deliverable_callback(run, idp, "heidi")

    run.paste(with_query(callback, iss=iss))
    run.wait_for(r"Not accepted: ", timeout=5)
    assert run.still_waiting()
    run.paste(callback)
    code, _, stderr = run.finish()

    assert code == 0, stderr
    assert stored(state_dir)["email"] == "heidi@example.test"


# --------------------------------------------------------------------------- after the sign-in

def test_status_shows_the_sign_in(signed_in, run_cli, state_dir):
    # oidc-provider's access tokens live 1 h: under the documented 24 h that reads `expiring`, fixed by a refresh.
    result = run_cli("models", "auth", "status", "--provider", PROVIDER, "--json")
    assert result.returncode == 0, result.stderr
    (profile,) = [p for p in json.loads(result.stdout)["profiles"] if p["provider"] == PROVIDER]
    assert (profile["status"], profile["type"], profile["email"]) == ("expiring", "oauth", "erin@example.test")
    assert profile["expires_at"] == signed_in["expires_at"] and 3000 < profile["expires_in_seconds"] <= 3600
    assert profile["refreshable"] is True and profile["error"] is None
    assert profile["fix"] == f"openclaw models auth refresh --provider {PROVIDER}"
    assert profile["source"] == str(credential_file(state_dir))
    assert profile["scopes"] == signed_in["scope"].split() and "offline_access" in profile["scopes"]

    human = run_cli("models", "auth", "status", "--provider", PROVIDER, "--check")
    assert human.returncode == 2, human.stderr  # --check: 2 = expiring
    assert re.search(rf"{PROVIDER}:default\s+expiring\s+expires in (59m|1h)\s+erin@example\.test", human.stdout)


def test_refresh_rotates_and_the_provider_refuses_the_old_token(signed_in, run_cli, idp, state_dir):
    first = run_cli("models", "auth", "refresh", "--provider", PROVIDER)
    assert first.returncode == 0, first.stderr
    rotated = stored(state_dir)
    assert rotated["refresh_token"] != signed_in["refresh_token"]
    assert rotated["access_token"] != signed_in["access_token"]
    assert stat.S_IMODE(credential_file(state_dir).stat().st_mode) == 0o600

    second = run_cli("models", "auth", "refresh", "--provider", PROVIDER)  # the stored rotated token works
    assert second.returncode == 0, second.stderr
    assert stored(state_dir)["refresh_token"] not in (rotated["refresh_token"], signed_in["refresh_token"])

    status, answer = idp.refresh(signed_in["refresh_token"])
    assert (status, answer["error"]) == (400, "invalid_grant")


def test_logout_revokes_at_the_provider(signed_in, run_cli, idp, state_dir):
    userinfo = idp.discovery()["userinfo_endpoint"]
    assert _userinfo_status(userinfo, signed_in["access_token"]) == 200

    result = run_cli("models", "auth", "logout", "--provider", PROVIDER)

    assert result.returncode == 0, result.stderr
    assert "revoked the refresh token at" in result.stdout + result.stderr
    assert not credential_file(state_dir).exists()
    status, answer = idp.refresh(signed_in["refresh_token"])
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert _userinfo_status(userinfo, signed_in["access_token"]) == 401


def _userinfo_status(url: str, access_token: str) -> int:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {access_token}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
