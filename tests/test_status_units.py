"""Units behind `models auth status`: status words, durations, verdicts, the codex-cli view, rendering, SSE."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st_

from wizard.auth import codex_cli, resolve
from wizard.auth import status as st
from wizard.auth.invoke import api_model_name, iter_events, reply_from_events, request_body, request_headers
from wizard.auth.providers import BUILTIN
from wizard.auth.resolve import Resolution, View
from wizard.auth.store import CredentialError
from wizard.errors import WizardError
from wizard.render import colour_enabled, paint, table

NOW = 1_800_000_000_000  # a fixed "now" in ms
HOUR_MS = 3600 * 1000


def jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


# --------------------------------------------------------------------------- status words


@pytest.mark.parametrize("record, word", [
    ({"type": "api_key", "expires_at": NOW - 1}, "static"),  # an API key never expires, whatever it says
    ({"type": "token"}, "static"),
    ({"type": "oauth"}, "static"),
    ({"type": "oauth", "expires_at": NOW - 1}, "expired"),
    ({"type": "oauth", "expires_at": NOW}, "expired"),
    ({"type": "oauth", "expires_at": NOW + 1}, "expiring"),
    ({"type": "oauth", "expires_at": NOW + 24 * HOUR_MS - 1}, "expiring"),
    ({"type": "oauth", "expires_at": NOW + 24 * HOUR_MS}, "ok"),
    ({"type": "token", "expires_at": NOW + 10 * 24 * HOUR_MS}, "ok"),
])
def test_status_word(record, word):
    assert st.status_word(record, NOW) == word


@pytest.mark.parametrize("seconds, text", [
    (0, "0m"), (59, "0m"), (60, "1m"), (3599, "59m"), (3600, "1h"), (3660, "1h 1m"),
    (86400, "1d"), (9 * 86400 + 4 * 3600 + 59, "9d 4h"), (10 * 86400 + 59 * 60, "10d"), (-5, "0m"),
])
def test_format_duration(seconds, text):
    assert st.format_duration(seconds) == text


@given(st_.integers(min_value=0, max_value=10**9))
def test_format_duration_never_overstates(seconds):
    text = st.format_duration(seconds)
    units = {"d": 86400, "h": 3600, "m": 60}
    total = sum(int(part[:-1]) * units[part[-1]] for part in text.split())
    precision = 3600 if "d" in text else 60  # days drop the minutes
    assert total <= seconds < total + precision
    assert len(text.split()) <= 2


def row(status: str, provider: str = "openai-codex", profile: str | None = None, **extra) -> st.ProfileStatus:
    return st.ProfileStatus(profile or f"{provider}:default", provider, status, "/x", NOW, **extra)


def test_expiry_phrase():
    assert st.expiry_phrase(row("missing")) == "-"
    assert st.expiry_phrase(row("static")) == "no expiry"
    assert st.expiry_phrase(row("ok", expires_at=NOW + 9 * 86400_000 + 4 * HOUR_MS)) == "expires in 9d 4h"
    assert st.expiry_phrase(row("expired", expires_at=NOW - 2 * HOUR_MS)) == "expired 2h ago"


# --------------------------------------------------------------------------- the resolver's verdicts


def resolution(*statuses: str, provider: str = "openai-codex", refreshable: tuple[int, ...] = ()) -> Resolution:
    rows = [row(s, provider=provider, profile=f"{provider}:p{i}", refreshable=i in refreshable,
                expires_at=NOW - 2 * HOUR_MS) for i, s in enumerate(statuses)]
    return Resolution(provider, rows)


@pytest.mark.parametrize("statuses, chosen, verdict", [
    (["ok"], 0, "ok"), (["static"], 0, "static"), (["expiring"], 0, "expiring"),
    (["expired"], None, "expired"), (["missing"], None, "missing"), (["invalid"], None, "invalid"),
    (["missing", "ok"], 1, "ok"),              # the first that can serve, in the order tried
    (["expiring", "ok"], 0, "expiring"),       # ...even when a later one looks better: order is the user's
    (["expired", "expiring"], 1, "expiring"),  # an expired token nobody can refresh is passed over
    (["missing", "invalid"], None, "invalid"),  # nothing serves: the word that says most about why
    (["missing", "expired"], None, "expired"),
    ([], None, "missing"),
])
def test_resolution_chooses_the_first_usable_profile(statuses, chosen, verdict):
    result = resolution(*statuses)
    assert result.chosen is (None if chosen is None else result.rows[chosen])
    assert result.verdict == verdict
    assert (result.blocking is None) == (chosen is not None or not statuses)


def test_an_expired_sign_in_we_can_refresh_serves_and_says_so():
    result = resolution("expired", "ok", refreshable=(0,))
    assert result.chosen is result.rows[0] and result.verdict == "expired"
    assert result.rows[0].refreshes_on_use and result.rows[0].usable
    assert st.expiry_phrase(result.rows[0]) == "expired 2h ago, refreshes on next use"


@pytest.mark.parametrize("verdicts, relevant, code", [
    ({"openai-codex": ("ok",)}, ["openai-codex"], 0),
    ({"openai-codex": ("expiring",)}, ["openai-codex"], 2),
    ({"openai-codex": ("expiring",), "anthropic": ("expired",)}, ["openai-codex", "anthropic"], 1),
    ({"openai-codex": ("expiring",), "anthropic": ("expired",)}, ["openai-codex"], 2),  # only judged ones count
    ({"openai-codex": ("invalid",)}, ["openai-codex"], 1),
    ({"openai-codex": ("missing",), "openai-api-key": ("static",)}, ["openai-api-key"], 0),
])
def test_check_exit_code_judges_the_relevant_providers(verdicts, relevant, code):
    resolutions = {pid: Resolution(pid, [row(s, provider=pid, expires_at=NOW - 2 * HOUR_MS) for s in words])
                   for pid, words in verdicts.items()}
    assert View([], resolutions, relevant, []).check_exit_code() == code


def test_fix_commands():
    assert row("ok").fix is None
    missing = st.describe("openai-codex:default", "openai-codex", None, "/x", NOW)
    assert missing.fix == "openclaw models auth login --provider openai-codex"
    record = {"type": "oauth", "refresh_token": "r", "access_token": "a"}
    expiring = st.describe("openai-codex:default", "openai-codex", {**record, "expires_at": NOW + HOUR_MS}, "/x", NOW)
    assert expiring.fix == "openclaw models auth refresh --provider openai-codex"
    expired = st.describe("openai-codex:default", "openai-codex", {**record, "expires_at": NOW - 1}, "/x", NOW)
    assert expired.fix == "openclaw models auth refresh --provider openai-codex" and expired.refreshes_on_use
    revoked = st.describe("openai-codex:default", "openai-codex",
                          {**record, "expires_at": NOW + 48 * HOUR_MS, "revoked": {"error": "invalid_grant"}},
                          "/x", NOW)
    assert (revoked.status, revoked.refreshable, revoked.usable) == ("expired", False, False)
    assert revoked.fix == "openclaw models auth login --provider openai-codex" and "revoked" in revoked.error
    assert st.expiry_phrase(revoked) == "revoked"
    cli = st.describe("openai-codex:codex-cli", "openai-codex", {**record, "expires_at": NOW - 1}, "/x", NOW,
                      read_only=True, owner_fix="codex login")
    assert cli.fix == "codex login" and cli.refreshable is False and cli.read_only and not cli.usable


def test_as_dict_has_no_token():
    record = {"type": "oauth", "expires_at": NOW + 48 * HOUR_MS, "access_token": "AT-SECRET",
              "refresh_token": "RT-SECRET", "id_token": "ID-SECRET", "scope": "openid email"}
    data = st.describe("openai-codex:default", "openai-codex", record, "/x", NOW).as_dict()
    text = json.dumps(data)
    assert "SECRET" not in text
    assert data["expires_in_seconds"] == 48 * 3600 and data["scopes"] == ["openid", "email"]


# --------------------------------------------------------------------------- names and candidates


def test_candidates_follow_auth_order_then_the_providers_other_profiles():
    order = ["openai-codex:codex-cli", "openai-api-key:default"]
    assert resolve.candidates("openai-codex", order, BUILTIN) == ["openai-codex:codex-cli", "openai-codex:default"]
    assert resolve.candidates("openai-api-key", [], BUILTIN) == [
        "openai-api-key:default", "openai-api-key:env", "openai-api-key:codex-cli"]
    assert resolve.candidates("anthropic", [], BUILTIN) == ["anthropic:default"]


def test_old_spellings_in_the_config_are_read_as_the_one_spelling():
    assert resolve.canonical("anthropic:manual", BUILTIN) == "anthropic:default"
    assert resolve.canonical("openai:default", BUILTIN) == "openai-api-key:default"
    assert resolve.auth_order_of({"auth_order": ["openai:manual", "openai-api-key:default", 5]}, BUILTIN) == [
        "openai-api-key:default"]
    assert resolve.default_auth_order("openai-codex", BUILTIN) == ["openai-codex:default", "openai-codex:codex-cli"]
    assert resolve.default_auth_order("anthropic", BUILTIN) == ["anthropic:default"]


def test_view_rows_order_and_filter(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex"))
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    creds = tmp_path / "credentials"
    creds.mkdir()
    for name in ("anthropic.json", "secrets.json", ".openai-codex.json.x.tmp", "openai-codex.lock"):
        (creds / name).write_text("{}")
    models = {"auth_order": ["openai-codex:codex-cli", "openai-api-key:manual"]}
    names = [r.profile for r in resolve.view(models, BUILTIN).rows]
    assert names == ["openai-codex:codex-cli", "openai-api-key:default", "openai-codex:default", "anthropic:default"]
    filtered = resolve.view(models, BUILTIN, "openai-codex")
    assert [r.profile for r in filtered.rows] == ["openai-codex:codex-cli", "openai-codex:default"]
    assert filtered.relevant == ["openai-codex"]
    assert [r.profile for r in resolve.view({}, BUILTIN, "anthropic-api-key").rows] == ["anthropic-api-key:default"]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    keyed = resolve.view({}, BUILTIN, "anthropic-api-key")
    assert [(r.profile, r.status) for r in keyed.rows] == [("anthropic-api-key:default", "missing"),
                                                           ("anthropic-api-key:env", "static")]
    assert keyed.resolutions["anthropic-api-key"].chosen.source == "env:ANTHROPIC_API_KEY"


# --------------------------------------------------------------------------- the codex-cli view


def test_codex_cli_chatgpt_record_reads_exp_and_claims():
    claims = {"exp": 1_900_000_000, "https://api.openai.com/auth": {"chatgpt_plan_type": "pro",
                                                                    "chatgpt_account_id": "acct_jwt"},
              "email": "me@example.com"}
    sign_in = codex_cli.from_auth_json({"tokens": {"access_token": jwt(claims), "id_token": jwt(claims),
                                                   "refresh_token": "rt", "account_id": "acct_file"},
                                        "last_refresh": "2026-01-01T00:00:00Z"}, "auth.json")
    record = sign_in.record
    assert sign_in.mode == "chatgpt" and record["provider"] == "openai-codex"
    assert record["expires_at"] == 1_900_000_000_000 and record["type"] == "oauth"
    assert (record["email"], record["plan"], record["account_id"]) == ("me@example.com", "pro", "acct_file")


@pytest.mark.parametrize("data, mode, provider", [
    ({"OPENAI_API_KEY": None, "tokens": None}, None, None),
    ({"OPENAI_API_KEY": "sk-x"}, "apikey", "openai-api-key"),                  # no auth_mode: a key means key mode
    ({"auth_mode": "apikey", "OPENAI_API_KEY": "sk-x"}, "apikey", "openai-api-key"),
    ({"auth_mode": "chatgpt", "OPENAI_API_KEY": None, "tokens": None}, None, None),
    ({"auth_mode": "personalAccessToken", "personal_access_token": "pat"}, "personalAccessToken", None),
])
def test_codex_cli_modes(data, mode, provider):
    sign_in = codex_cli.from_auth_json(data, "auth.json")
    assert sign_in.mode == mode and sign_in.error is None
    assert (sign_in.record or {}).get("provider") == provider


@pytest.mark.parametrize("data, needle", [
    ([], "expected a JSON object"),
    ({"tokens": "x"}, "'tokens' must be an object"),
    ({"tokens": {"access_token": "abc"}}, "is not a JWT"),
    ({"tokens": {"refresh_token": "r"}}, "'tokens.access_token' is missing"),
    ({"tokens": {"access_token": jwt({}), "account_id": 5}}, "'tokens.account_id' must be a string"),
    ({"OPENAI_API_KEY": 3}, "'OPENAI_API_KEY' must be a string"),
    ({"auth_mode": 3}, "'auth_mode' must be a string"),
    ({"auth_mode": "apikey", "OPENAI_API_KEY": None}, "'OPENAI_API_KEY' is empty"),
    ({"tokens": {"access_token": jwt({"exp": True})}}, None),  # a boolean exp: no expiry, not 1 s after 1970
    ({"tokens": {"access_token": jwt({"exp": 1e300})}}, "'exp' claim is not a date"),
])
def test_codex_cli_names_the_problem(data, needle):
    if needle is None:
        assert "expires_at" not in codex_cli.from_auth_json(data, "auth.json").record
        return
    with pytest.raises(CredentialError) as info:
        codex_cli.from_auth_json(data, "auth.json")
    assert needle in info.value.message and "codex login" in info.value.hint


@pytest.mark.parametrize("raw, needle", [
    pytest.param(b"[" * 100_000, "is not valid JSON (nested too deeply)", id="deeply-nested"),
    pytest.param(b'{"tokens": ' + b"9" * 5000 + b"}", "is not valid JSON", id="huge-integer"),
    pytest.param(b"\xff\xfe", "is not valid JSON", id="not-utf8"),
    pytest.param(b"  \n", "is empty", id="blank"),
    pytest.param(b" " * (1 << 20) + b"{}", "is larger than 1024 KiB", id="huge-file"),
])
def test_codex_cli_file_of_hostile_bytes_is_an_error_not_an_exception(tmp_path, raw, needle):
    (tmp_path / "auth.json").write_bytes(raw)
    sign_in = codex_cli.read_file(tmp_path / "auth.json")
    assert sign_in.record is None and needle in sign_in.error.message
    assert "codex login" in sign_in.error.hint


def test_codex_cli_file_missing_and_directory(tmp_path):
    missing = codex_cli.read_file(tmp_path / "auth.json")
    assert (missing.mode, missing.record, missing.error) == (None, None, None)
    (tmp_path / "auth.json").mkdir()
    assert "is a directory" in codex_cli.read_file(tmp_path / "auth.json").error.message


def test_keyring_account_is_the_codex_cli_store_key(tmp_path):
    """compute_store_key: "cli|" + the first 16 hex of SHA-256 of the canonical CODEX_HOME (verified on 0.171.0:
    /tmp/ch_kr -> cli|d04aa833469c0493)."""
    import hashlib

    home = tmp_path / "real"
    home.mkdir()
    (tmp_path / "link").symlink_to(home)
    expected = "cli|" + hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:16]
    assert codex_cli.keyring_account(tmp_path / "link") == expected == codex_cli.keyring_account(home)
    assert codex_cli.keyring_account(Path("/tmp/ch_kr_absent_for_sure")) == "cli|" + hashlib.sha256(
        b"/tmp/ch_kr_absent_for_sure").hexdigest()[:16]


@pytest.mark.parametrize("text, store, secrets", [
    ("", "file", False),
    ('model = "gpt-5.2"\n', "file", False),
    ('cli_auth_credentials_store = "keyring"\n', "keyring", False),
    ('cli_auth_credentials_store = "auto"\n[features]\nsecret_auth_storage = true\n', "auto", True),
])
def test_configured_store(tmp_path, text, store, secrets):
    (tmp_path / "config.toml").write_text(text)
    assert codex_cli.configured_store(tmp_path) == (store, secrets, None)


@pytest.mark.parametrize("text, needle", [
    ('cli_auth_credentials_store = "vault"\n', "is not one of file, keyring, auto, ephemeral"),
    ("cli_auth_credentials_store = \n", "is not valid TOML"),
])
def test_configured_store_problems_fall_back_to_the_file(tmp_path, text, needle):
    (tmp_path / "config.toml").write_text(text)
    store, _, problem = codex_cli.configured_store(tmp_path)
    assert store == "file" and needle in problem


def test_a_keychain_that_does_not_answer_is_named_not_waited_for(tmp_path, monkeypatch):
    import threading

    import keyring
    from keyring.backend import KeyringBackend

    release = threading.Event()

    class Hanging(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            release.wait(10)

        def set_password(self, service, username, password):
            pass

        def delete_password(self, service, username):
            pass

    previous = keyring.get_keyring()
    keyring.set_keyring(Hanging())
    monkeypatch.setattr(codex_cli, "KEYRING_TIMEOUT_SECONDS", 0.2)
    (tmp_path / "config.toml").write_text('cli_auth_credentials_store = "keyring"\n')
    try:
        sign_in = codex_cli.read(tmp_path)
    finally:
        release.set()
        keyring.set_keyring(previous)
    assert "did not answer within 0.2 s" in sign_in.error.message
    assert "OS keychain" in sign_in.error.message and "codex login" not in sign_in.error.message


def test_with_expiry_from_jwt_takes_exp_and_accepts_opaque_tokens():
    broken = {"provider": "openai-codex", "type": "oauth", "access_token": jwt({"exp": float("inf")})}
    with pytest.raises(CredentialError, match="'exp' claim is not a date"):
        st.with_expiry_from_jwt(broken, "f.json")
    fine = {**broken, "access_token": jwt({"exp": 1_900_000_000})}
    assert st.with_expiry_from_jwt(fine, "f.json")["expires_at"] == 1_900_000_000_000
    opaque = {**broken, "access_token": "sk-...", "expires_at": 1735689600000}
    assert st.with_expiry_from_jwt(opaque, "f.json") == opaque  # seed 000's companion-app file


def test_one_login_command_spelling_everywhere():
    assert st.login_command("p") == "openclaw models auth login --provider p"
    assert st.sign_in_again("p") == "sign in again: openclaw models auth login --provider p"


# --------------------------------------------------------------------------- rendering


def test_colour_enabled_respects_no_color(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_enabled(Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    assert colour_enabled(Tty()) is True
    assert paint("ok", "green", False) == "ok"
    assert paint("ok", "green", True) == "\x1b[32mok\x1b[0m"


def test_table_aligns_and_puts_notes_under_rows():
    text = table(["A", "Bee"], [["long-cell", "x"], ["s", "y"]], notes=[["fix: do it"], []])
    assert text.splitlines() == ["A          Bee", "long-cell  x", "  fix: do it", "s          y"]


# --------------------------------------------------------------------------- invoke's wire format


def test_request_body_and_headers():
    body = request_body("openai-codex/gpt-5.2", "hi")
    assert body["model"] == "gpt-5.2" and body["stream"] is True and body["store"] is False
    assert body["instructions"] and body["input"][0]["content"][0] == {"type": "input_text", "text": "hi"}
    access = jwt({"https://api.openai.com/auth": {"chatgpt_account_id": "acct_1"}})
    headers = request_headers(BUILTIN["openai-codex"], {"type": "oauth", "access_token": access})
    assert headers["Authorization"] == f"Bearer {access}" and headers["ChatGPT-Account-Id"] == "acct_1"
    assert headers["OpenAI-Beta"] == "responses=experimental" and headers["originator"] == "openclaw"
    key_headers = request_headers(BUILTIN["openai-api-key"], {"type": "api_key", "access_token": "sk"})
    assert "ChatGPT-Account-Id" not in key_headers
    assert api_model_name("gpt-5.2") == "gpt-5.2"


def sse(*events: dict) -> list[str]:
    lines = []
    for event in events:
        lines += [f"event: {event['type']}", f"data: {json.dumps(event)}", ""]
    return lines


def test_reply_from_events():
    final = {"id": "resp_1", "model": "gpt-5.2", "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
             "output": [{"type": "message", "content": [{"type": "output_text", "text": "echo: hi"}]}]}
    lines = sse({"type": "response.output_text.delta", "delta": "echo: "},
                {"type": "response.output_text.delta", "delta": "hi"},
                {"type": "response.completed", "response": final})
    reply = reply_from_events(lines, "gpt-5.2")
    assert (reply.text, reply.usage["total_tokens"], reply.response_id) == ("echo: hi", 3, "resp_1")
    assert [e["type"] for e in iter_events(lines)][-1] == "response.completed"


def test_reply_from_events_errors():
    with pytest.raises(WizardError, match="ended before"):
        reply_from_events(sse({"type": "response.output_text.delta", "delta": "x"}), "m")
    with pytest.raises(WizardError, match="reported an error"):
        reply_from_events(sse({"type": "response.failed", "response": {"error": {"message": "boom"}}}), "m")


@pytest.mark.parametrize("response", [[1], "text", 5, True, {"output": 5}, {"output": "text"},
                                      {"output": [{"type": "message", "content": 7}]},
                                      {"output": [{"type": "message", "content": True}]}])
def test_a_completed_event_of_the_wrong_shape_is_read_as_missing_parts(response: object):
    """A server's response, output or content of the wrong JSON type (found by mypy: `.get` on a list,
    iterating a number) gives the streamed text, not a traceback."""
    lines = sse({"type": "response.output_text.delta", "delta": "streamed"},
                {"type": "response.completed", "response": response})
    reply = reply_from_events(lines, "openai-codex/gpt-5.2")
    assert (reply.text, reply.model, reply.response_id, reply.usage) == ("streamed", "gpt-5.2", None, {})


@pytest.mark.parametrize("response", [[1], "text", 5])
def test_a_failed_event_whose_response_is_not_an_object_is_still_an_error(response: object):
    event = {"type": "response.failed", "response": response, "error": {"message": "boom"}}
    with pytest.raises(WizardError, match="reported an error.*boom"):
        reply_from_events(sse(event), "m")
