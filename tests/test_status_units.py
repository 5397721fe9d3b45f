"""Units behind `models auth status`: status words, durations, verdicts, the codex-cli view, rendering, SSE."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st_

from wizard.auth import codex_cli
from wizard.auth import status as st
from wizard.auth.invoke import api_model_name, iter_events, reply_from_events, request_body, request_headers
from wizard.auth.providers import BUILTIN
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


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize("statuses, code", [
    (["ok"], 0), (["static"], 0), (["expiring"], 2), (["expired"], 1), (["missing"], 1),
    (["ok", "missing"], 0),         # same provider: the best profile carries it
    (["expiring", "expired"], 2),
])
def test_check_exit_code_within_one_provider(statuses, code):
    rows = [row(s, profile=f"openai-codex:p{i}") for i, s in enumerate(statuses)]
    assert st.check_exit_code(rows) == code


def test_check_exit_code_across_providers_expired_beats_expiring():
    rows = [row("expiring"), row("expired", provider="anthropic")]
    assert st.check_exit_code(rows) == 1
    assert st.check_exit_code(rows, {"openai-codex"}) == 2
    assert st.check_exit_code(rows, {"nobody"}) == 0


def test_relevant_providers():
    rows = [row("missing"), row("static", provider="openai-api-key")]
    assert st.relevant_providers(rows, [], None, "anthropic") == {"anthropic"}
    assert st.relevant_providers(rows, ["openai-api-key:manual"], "openai-codex", None) >= {
        "openai-api-key", "openai-codex"}


def test_relevant_providers_with_nothing_configured_is_every_row(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path))
    rows = [row("missing"), row("static", provider="openai-api-key")]
    assert st.relevant_providers(rows, [], None, None) == {"openai-codex", "openai-api-key"}


def test_fix_commands():
    assert row("ok").fix is None
    missing = st.describe("openai-codex:default", "openai-codex", None, "/x", NOW)
    assert missing.fix == "openclaw models auth login --provider openai-codex"
    expiring = st.describe("openai-codex:default", "openai-codex",
                           {"type": "oauth", "expires_at": NOW + HOUR_MS, "refresh_token": "r", "access_token": "a"},
                           "/x", NOW)
    assert expiring.fix == "openclaw models auth refresh --provider openai-codex"
    cli = st.describe(codex_cli.PROFILE, "openai-codex", {"type": "oauth", "expires_at": NOW - 1,
                                                          "refresh_token": "r", "access_token": "a"}, "/x", NOW)
    assert cli.fix == "codex login" and cli.refreshable is False and cli.read_only


def test_as_dict_has_no_token():
    record = {"type": "oauth", "expires_at": NOW + 48 * HOUR_MS, "access_token": "AT-SECRET",
              "refresh_token": "RT-SECRET", "id_token": "ID-SECRET", "scope": "openid email"}
    data = st.describe("openai-codex:default", "openai-codex", record, "/x", NOW).as_dict()
    text = json.dumps(data)
    assert "SECRET" not in text
    assert data["expires_in_seconds"] == 48 * 3600 and data["scopes"] == ["openid", "email"]


# --------------------------------------------------------------------------- which profiles


def test_wanted_profiles_order_and_filter(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path))
    creds = tmp_path / "credentials"
    creds.mkdir()
    for name in ("anthropic.json", "secrets.json", ".openai-codex.json.x.tmp", "openai-codex.lock"):
        (creds / name).write_text("{}")
    order = ["openai-codex:codex-cli", "openai-api-key:manual"]
    assert st.wanted_profiles(order, None, BUILTIN) == [
        "openai-codex:codex-cli", "openai-api-key:manual", "openai-codex:default", "anthropic:manual"]
    assert st.wanted_profiles(order, "openai-codex", BUILTIN) == ["openai-codex:codex-cli", "openai-codex:default"]
    assert st.wanted_profiles([], "anthropic-api-key", BUILTIN) == ["anthropic-api-key:manual"]


# --------------------------------------------------------------------------- the codex-cli view


def test_codex_cli_to_record_reads_exp_and_claims():
    claims = {"exp": 1_900_000_000, "https://api.openai.com/auth": {"chatgpt_plan_type": "pro",
                                                                    "chatgpt_account_id": "acct_jwt"},
              "email": "me@example.com"}
    record = codex_cli.to_record({"tokens": {"access_token": jwt(claims), "id_token": jwt(claims),
                                             "refresh_token": "rt", "account_id": "acct_file"},
                                  "last_refresh": "2026-01-01T00:00:00Z"}, "auth.json")
    assert record["expires_at"] == 1_900_000_000_000 and record["type"] == "oauth"
    assert (record["email"], record["plan"], record["account_id"]) == ("me@example.com", "pro", "acct_file")


def test_codex_cli_to_record_without_sign_in():
    assert codex_cli.to_record({"OPENAI_API_KEY": None, "tokens": None}, "auth.json") is None
    assert codex_cli.to_record({"OPENAI_API_KEY": "sk-x"}, "auth.json")["type"] == "api_key"


@pytest.mark.parametrize("data, needle", [
    ([], "expected a JSON object"),
    ({"tokens": "x"}, "'tokens' must be an object"),
    ({"tokens": {"access_token": "abc"}}, "is not a JWT"),
    ({"tokens": {"refresh_token": "r"}}, "'tokens.access_token' is missing"),
    ({"tokens": {"access_token": jwt({}), "account_id": 5}}, "'tokens.account_id' must be a string"),
    ({"OPENAI_API_KEY": 3}, "'OPENAI_API_KEY' must be a string"),
    ({"tokens": {"access_token": jwt({"exp": True})}}, None),  # a boolean exp: no expiry, not 1 s after 1970
    ({"tokens": {"access_token": jwt({"exp": 1e300})}}, "'exp' claim is not a date"),
])
def test_codex_cli_to_record_names_the_problem(data, needle):
    if needle is None:
        assert "expires_at" not in codex_cli.to_record(data, "auth.json")
        return
    with pytest.raises(CredentialError) as info:
        codex_cli.to_record(data, "auth.json")
    assert needle in info.value.message and "codex login" in info.value.hint


@pytest.mark.parametrize("raw, needle", [
    pytest.param(b"[" * 100_000, "is not valid JSON (nested too deeply)", id="deeply-nested"),
    pytest.param(b'{"tokens": ' + b"9" * 5000 + b"}", "is not valid JSON", id="huge-integer"),
    pytest.param(b"\xff\xfe", "is not valid JSON", id="not-utf8"),
    pytest.param(b"  \n", "is empty", id="blank"),
])
def test_codex_cli_load_of_hostile_bytes_is_a_credential_error(tmp_path, raw, needle):
    (tmp_path / "auth.json").write_bytes(raw)
    with pytest.raises(CredentialError, match=needle.replace("(", r"\(").replace(")", r"\)")) as info:
        codex_cli.load(tmp_path / "auth.json")
    assert "codex login" in info.value.hint


def test_with_expiry_from_jwt_needs_a_usable_exp_for_codex():
    record = {"provider": "openai-codex", "type": "oauth", "access_token": jwt({"exp": float("inf")})}
    with pytest.raises(CredentialError, match="'exp' claim is not a date"):
        st.with_expiry_from_jwt(record, "f.json", require_jwt=True)
    assert st.with_expiry_from_jwt(record, "f.json", require_jwt=False) == record
    fine = {**record, "access_token": jwt({"exp": 1_900_000_000})}
    assert st.with_expiry_from_jwt(fine, "f.json", require_jwt=True)["expires_at"] == 1_900_000_000_000


def test_one_login_command_spelling_everywhere():
    assert st.login_command("p") == "openclaw models auth login --provider p"
    assert st.sign_in_again("p") == "sign in again: openclaw models auth login --provider p"


def test_codex_cli_load_missing_and_directory(tmp_path):
    assert codex_cli.load(tmp_path / "auth.json") is None
    (tmp_path / "auth.json").mkdir()
    with pytest.raises(CredentialError, match="is a directory"):
        codex_cli.load(tmp_path / "auth.json")


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
