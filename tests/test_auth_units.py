"""Unit tests of the sign-in pieces that need no subprocess: PKCE, URLs, pastes, browser rules, records."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from wizard.auth import browser, clipboard, device, jwt, oauth, pages, pkce, store, userinfo
from wizard.auth.providers import BUILTIN, Provider
from wizard.auth.redirect import ProviderRefused
from wizard.auth.refresh import needs_refresh
from wizard.auth.signin import PastedCode, PasteRejected, SignInOptions, _check_options, callback_ports, read_paste
from wizard.errors import UsageError

CODEX = BUILTIN["openai-codex"]
STATE = "state-abc_123"
REDIRECT = "http://127.0.0.1:1455/auth/callback"


def _jwt(claims: dict) -> str:
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJub25lIn0.{part}.sig"


# --------------------------------------------------------------------------- PKCE and the authorize URL

def test_pkce_is_s256_of_a_valid_verifier():
    secret = pkce.new_pkce()
    assert 43 <= len(secret.verifier) <= 128
    digest = hashlib.sha256(secret.verifier.encode()).digest()
    assert secret.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert secret.verifier not in repr(secret)
    assert pkce.new_pkce().verifier != secret.verifier


def test_state_is_long_and_unique():
    assert len(pkce.new_state()) >= 32
    assert pkce.new_state() != pkce.new_state()


def test_codex_authorize_url_has_exactly_the_codex_params():
    url = oauth.authorize_url(CODEX, CODEX.authorize_endpoint, redirect_uri=REDIRECT, code_challenge="ch", state="st")
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://auth.openai.com/oauth/authorize"
    assert dict(urllib.parse.parse_qsl(parts.query)) == {
        "response_type": "code",
        "client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
        "redirect_uri": REDIRECT,
        "scope": "openid profile email offline_access",
        "code_challenge": "ch",
        "code_challenge_method": "S256",
        "id_token_add_organizations": "true",
        "codex_cli_simplified_flow": "true",
        "originator": "openclaw",
        "state": "st",
    }
    assert "scope=openid%20profile%20email%20offline_access" in url  # spaces as %20, like the Codex CLI


# --------------------------------------------------------------------------- pastes

def test_paste_of_the_full_redirect_url():
    pasted = read_paste(f"  {REDIRECT}?code=ac_abc&scope=openid&state={STATE}\n", STATE)
    assert pasted == PastedCode("ac_abc", state_checked=True)


def test_paste_of_the_query_string_or_code_hash_state():
    assert read_paste(f"code=ac_abc&state={STATE}", STATE) == PastedCode("ac_abc")
    assert read_paste(f"ac_abcdefghijklmnop#{STATE}", STATE) == PastedCode("ac_abcdefghijklmnop")


def test_paste_of_a_bare_code_is_accepted_without_a_state_check():
    assert read_paste("ac_Zm9vYmFyYmF6cXV4MTIzNDU2", STATE) == PastedCode("ac_Zm9vYmFyYmF6cXV4MTIzNDU2", False)


@pytest.mark.parametrize("text, words", [
    ("garbage", "neither"),
    ("hello world this is not a code", "neither"),
    (f"{REDIRECT}?code=ac_abc&state=someone-else", "different sign-in"),
    (f"{REDIRECT}?code=ac_abc", "no state"),
    (f"{REDIRECT}?state={STATE}", "no code"),
    ("ac_abcdefghijklmnop#other", "different sign-in"),
])
def test_paste_rejections_say_why_and_never_echo_the_text(text, words):
    pasted = read_paste(text, STATE, REDIRECT)
    assert isinstance(pasted, PasteRejected)
    assert words in pasted.reason
    assert "ac_abc" not in pasted.reason and "garbage" not in pasted.reason


def test_paste_of_an_error_redirect_is_the_providers_refusal():
    pasted = read_paste(f"{REDIRECT}?error=access_denied&error_description=No+thanks&state={STATE}", STATE)
    assert pasted == ProviderRefused("access_denied", "No thanks")
    assert pasted.text == "access_denied: No thanks"


def test_blank_paste_is_ignored():
    assert read_paste("   \n", STATE) is None


# --------------------------------------------------------------------------- callback ports

def test_builtin_provider_only_takes_registered_ports():
    assert callback_ports(CODEX, SignInOptions()) == (1455, 1457)
    assert callback_ports(CODEX, SignInOptions(callback_port=1457)) == (1457,)
    with pytest.raises(UsageError, match="1455, 1457"):
        callback_ports(CODEX, SignInOptions(callback_port=8080))


def test_custom_provider_takes_any_callback_port():
    custom = Provider(id="idp", label="idp", kind="oauth", issuer="http://x", client_id="c", builtin=False)
    assert callback_ports(custom, SignInOptions(callback_port=8123)) == (8123,)


# --------------------------------------------------------------------------- custom providers

def _custom(tmp_path, monkeypatch, table: str) -> Provider:
    from wizard.auth import providers

    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path))
    (tmp_path / "providers.toml").write_text(
        f'[providers.idp]\nissuer = "https://id.example"\nclient_id = "c"\n{table}')
    return providers.get("idp")


def test_custom_provider_asks_for_consent_with_offline_access(tmp_path, monkeypatch):
    # OIDC Core §11: without prompt=consent a conforming provider drops offline_access (no refresh token).
    assert _custom(tmp_path, monkeypatch, "").authorize_params == {"prompt": "consent"}
    url = oauth.authorize_url(_custom(tmp_path, monkeypatch, ""), "https://id.example/auth",
                              redirect_uri=REDIRECT, code_challenge="c" * 43, state=STATE)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["prompt"] == ["consent"]


@pytest.mark.parametrize("table, expected", [
    ('scopes = "openid email"', {}),
    ("authorize_params = {}", {}),
    ('authorize_params = { prompt = "login consent" }', {"prompt": "login consent"}),
])
def test_custom_provider_consent_prompt_follows_the_file(tmp_path, monkeypatch, table, expected):
    assert _custom(tmp_path, monkeypatch, table).authorize_params == expected


def test_builtin_codex_never_sends_a_prompt():
    assert "prompt" not in CODEX.authorize_params


# --------------------------------------------------------------------------- browser launch rules

@pytest.mark.parametrize("env, platform, reason", [
    ({"SSH_CONNECTION": "1 2 3 4", "DISPLAY": ":0"}, "linux", "SSH"),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", "SSH"),
    ({}, "linux", "no display"),
    ({"DISPLAY": ":0"}, "linux", None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
    ({"WSL_DISTRO_NAME": "Ubuntu"}, "linux", None),
    ({}, "darwin", None),
])
def test_auto_mode_opens_a_browser_only_where_one_can_open(env, platform, reason):
    found = browser.why_no_browser(env, platform)
    assert (found is None) if reason is None else (reason in found)


def test_no_browser_and_none_never_launch():
    assert not browser.open_url("http://x", "default", no_browser=True).opened
    assert not browser.open_url("http://x", "none").opened


def test_auto_over_ssh_does_not_launch():
    launch = browser.open_url("http://x", None, env={"SSH_CONNECTION": "a b c d", "DISPLAY": ":0"}, platform="linux")
    assert not launch.opened and "SSH" in launch.message


def test_custom_browser_command_gets_the_url(tmp_path):
    out = tmp_path / "url.txt"
    launch = browser.open_url("http://127.0.0.1/a?b=1&c=2", f"sh -c 'echo \"$1\" > {out}' sh")
    assert launch.opened
    deadline = time.monotonic() + 5
    while not (out.exists() and out.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert out.read_text().strip() == "http://127.0.0.1/a?b=1&c=2"


def test_custom_command_with_placeholder_and_missing_program():
    assert browser.custom_command("firefox --new-tab %s", "U") == ["firefox", "--new-tab", "U"]
    assert not browser.open_url("http://x", "/nonexistent/browser-xyz").opened


@pytest.mark.parametrize("command", ['firefox "x', "firefox 'x", "firefox \\", "   "])
def test_a_browser_command_that_cannot_run_is_a_usage_error_never_a_crash(command):
    with pytest.raises(UsageError, match="--browser command"):
        browser.check_choice(command)
    with pytest.raises(UsageError):
        browser.custom_command(command, "http://x")
    # The TUI's Open button calls open_url directly: it reports, it does not raise.
    launch = browser.open_url("http://x", command)
    assert not launch.opened and launch.message.startswith("Not opening a browser: the --browser command")


@pytest.mark.parametrize("choice", [None, "", "auto", "none", "default", "macos-open", "wsl-launch", "firefox %s"])
def test_usable_browser_choices_pass_the_check(choice):
    browser.check_choice(choice)


def test_a_nul_byte_in_the_browser_command_is_reported():
    assert not browser.open_url("http://x", "fire\0fox").opened


def test_wsl_command_keeps_the_url_one_argument():
    assert browser.wsl_command("http://h/?a=1&b=2")[-1] == "http://h/?a=1&b=2"


# --------------------------------------------------------------------------- clipboard

def test_osc52_sequence_and_tmux_wrapping():
    plain = clipboard.osc52("hi", env={})
    assert plain == "\x1b]52;c;aGk=\x07"
    wrapped = clipboard.osc52("hi", env={"TMUX": "/tmp/tmux"})
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;aGk=") and wrapped.endswith("\x1b\\")


def test_copy_reports_failure_instead_of_raising(monkeypatch):
    import pyperclip

    def broken(text):
        raise pyperclip.PyperclipException("no clipboard")

    monkeypatch.setattr(pyperclip, "copy", broken)
    assert clipboard.copy("x") is False


# --------------------------------------------------------------------------- pages

def test_pages_escape_what_they_show():
    page = pages.failure_page("Sign-in failed", "<script>alert(1)</script>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "dev@example.com" in pages.success_page("OpenAI", "dev@example.com")


# --------------------------------------------------------------------------- the credential record

def test_record_takes_claims_from_id_token_and_expiry_from_access_token():
    exp = int(time.time()) + 3600
    access = _jwt({"exp": exp})
    id_token = _jwt({"email": "a@b.c", "https://api.openai.com/auth": {
        "chatgpt_account_id": "acct_1", "chatgpt_plan_type": "pro"}})
    record = oauth.credential_record("openai-codex", {
        "access_token": access, "refresh_token": "rt_1", "id_token": id_token, "scope": "openid", "expires_in": 5})
    assert record["expires_at"] == exp * 1000
    assert (record["email"], record["plan"], record["account_id"]) == ("a@b.c", "pro", "acct_1")
    assert record["type"] == "oauth" and record["refresh_token"] == "rt_1"
    assert record["last_refresh"].endswith("Z")


def test_refreshed_record_keeps_what_the_response_leaves_out():
    previous = {"refresh_token": "rt_old", "id_token": "idt", "email": "a@b.c", "plan": "plus", "scope": "openid"}
    record = oauth.credential_record("p", {"access_token": "opaque", "expires_in": 60}, previous=previous)
    assert record["refresh_token"] == "rt_old" and record["email"] == "a@b.c" and record["scope"] == "openid"
    assert abs(record["expires_at"] - (time.time() + 60) * 1000) < 5000


@pytest.mark.parametrize("exp, expected", [
    (1_700_000_000, 1_700_000_000_000),
    (1_700_000_000.5, 1_700_000_000_500),
    (True, None),  # a boolean is not a time, though Python counts it as the integer 1
    ("1700000000", None),
    (None, None),
])
def test_exp_claim_to_milliseconds(exp, expected):
    assert jwt.exp_to_ms(exp) == expected
    assert jwt.expiry_ms(_jwt({"exp": exp})) == expected


@pytest.mark.parametrize("exp", [float("nan"), float("inf"), -float("inf"), 10**20,
                                 10**400, -10**400])  # no float holds these: math.isfinite overflowed
def test_an_exp_claim_that_is_not_a_date_is_not_a_jwt_we_can_use(exp):
    with pytest.raises(jwt.NotAJwt, match="'exp' claim is not a date"):
        jwt.exp_to_ms(exp)


def test_claims_of_a_hostile_jwt_payload_are_refused_not_a_crash():
    deep = base64.urlsafe_b64encode(b"[" * 50_000).rstrip(b"=").decode()
    with pytest.raises(jwt.NotAJwt):
        jwt.decode_claims(f"h.{deep}.s")
    assert jwt.account_info(f"h.{deep}.s") == {}
    assert jwt.account_info(_jwt({"email": 5, "https://api.openai.com/auth": {"chatgpt_plan_type": ["x"]}})) == {}


def test_parse_json_turns_every_hostile_input_into_a_value_error():
    for raw in (b"[" * 100_000, b"9" * 5000, b"\xff", b"{"):
        with pytest.raises(ValueError):
            store.parse_json(raw)


@pytest.mark.parametrize("expires_in", [float("nan"), float("inf"), 1e300, -1e300, True, "9" * 40,
                                        10**400, -10**400])
def test_a_token_response_with_a_useless_expires_in_has_no_expiry(expires_in):
    record = oauth.credential_record("p", {"access_token": "opaque", "expires_in": expires_in})
    assert "expires_at" not in record


@pytest.mark.parametrize("value, seconds", [(3, 3.0), (2.5, 2.5), ("7", 7.0), (None, 5.0), (True, 5.0), ("soon", 5.0),
                                            ([1], 5.0), ({"s": 1}, 5.0), (10**400, 5.0), (-10**400, 5.0),
                                            (float("inf"), 5.0), (float("nan"), 5.0), ("1e999", 5.0)])
def test_a_device_code_interval_or_lifetime_is_read_as_seconds_or_the_default(value, seconds):
    """What a device-code endpoint says for interval or expires_in; 10**400 (no float holds it) raised
    OverflowError out of the sign-in."""
    assert device._seconds(value, 5.0) == seconds


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -float("inf"), -1.0, 0, 0.0, True, "10"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(timeout):
    with pytest.raises(UsageError, match="--timeout must be a positive number of seconds") as caught:
        _check_options(SignInOptions(timeout=timeout))
    assert caught.value.exit_code == 2


def test_a_bad_browser_command_is_refused_before_the_sign_in_starts():
    with pytest.raises(UsageError, match="--browser command"):
        _check_options(SignInOptions(browser='firefox "x'))
    _check_options(SignInOptions(browser='firefox "x', no_browser=True))  # never used: no browser is opened
    _check_options(SignInOptions(method="device", browser='firefox "x'))


def test_needs_refresh_uses_the_skew():
    now = time.time() * 1000
    assert needs_refresh({"expires_at": now + 60_000}, 300)
    assert not needs_refresh({"expires_at": now + 3_600_000}, 300)
    assert not needs_refresh({"expires_at": None}, 300)


# --------------------------------------------------------------------------- token endpoint errors (real HTTP)

class _Recorder(BaseHTTPRequestHandler):
    replies: list = []
    seen: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append((self.headers.get("Content-Type"), body))
        status, content_type, payload = type(self).replies.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST


@pytest.fixture
def recorder():
    _Recorder.replies, _Recorder.seen = [], []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _provider(issuer: str, refresh_body: str) -> Provider:
    return Provider(id="p", label="p", kind="oauth", issuer=issuer, client_id="cid", refresh_body=refresh_body)


def test_codex_style_refresh_sends_json_and_standard_sends_a_form(recorder):
    _, url = recorder
    ok = (200, "application/json", json.dumps({"access_token": "a"}).encode())
    _Recorder.replies = [ok, ok]
    oauth.refresh_tokens(_provider(url, "json"), "rt_1")
    oauth.refresh_tokens(_provider(url, "form"), "rt_2")
    (json_type, json_body), (form_type, form_body) = _Recorder.seen
    assert json_type == "application/json"
    assert json.loads(json_body) == {"client_id": "cid", "grant_type": "refresh_token", "refresh_token": "rt_1"}
    assert form_type == "application/x-www-form-urlencoded"
    assert dict(urllib.parse.parse_qsl(form_body.decode())) == {
        "client_id": "cid", "grant_type": "refresh_token", "refresh_token": "rt_2"}


@pytest.mark.parametrize("reply, words", [
    ((400, "application/json", b'{"error":"invalid_grant","error_description":"code expired"}'),
     "invalid_grant: code expired (HTTP 400)"),
    ((401, "application/json", b'{"error":{"message":"Your refresh token was reused","code":"refresh_token_reused"}}'),
     "refresh_token_reused: Your refresh token was reused"),
    ((200, "text/html", b"<html>Just a moment...</html>"), "HTML page instead of JSON"),
    ((502, "text/plain", b"bad gateway"), "HTTP 502 without a JSON body"),
    ((200, "application/json", b'{"token_type":"Bearer"}'), "without an access_token"),
])
def test_token_endpoint_failures_carry_the_providers_words(recorder, reply, words):
    _, url = recorder
    _Recorder.replies = [reply]
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.token_request(url + "/oauth/token", {"grant_type": "authorization_code", "code": "SECRETCODE"})
    assert words in caught.value.message
    assert "SECRETCODE" not in str(caught.value)


@pytest.mark.parametrize("answer, email", [
    ({"sub": "u1", "email": "u1@example.test"}, "u1@example.test"),
    ({"sub": "someone-else", "email": "other@example.test"}, None),  # OIDC Core §5.3.2: another subject
    ({"sub": "u1"}, None),
])
def test_the_email_comes_from_userinfo_for_the_same_subject_only(recorder, tmp_path, monkeypatch, answer, email):
    _, url = recorder
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path))
    provider = Provider(id="idp", label="idp", kind="oauth", issuer=url, client_id="c", discovery=True, builtin=False)
    discovery = json.dumps({"issuer": url, "userinfo_endpoint": url + "/me"}).encode()
    _Recorder.replies = [(200, "application/json", discovery),
                         (200, "application/json", json.dumps(answer).encode())]
    record = oauth.credential_record("idp", {"access_token": "at-1", "id_token": _jwt({"sub": "u1"}), "expires_in": 60})
    store.save(record)

    assert userinfo.with_email(provider, record).get("email") == email
    assert store.load("idp").get("email") == email
    assert len(_Recorder.seen) == 2


def test_unreachable_token_endpoint_is_a_plain_network_message():
    with pytest.raises(oauth.NetworkError, match="could not reach the token endpoint at 127.0.0.1:9"):
        oauth.token_request("http://127.0.0.1:9/oauth/token", {"code": "SECRETCODE"}, timeout=2)
