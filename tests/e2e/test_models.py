"""`openclaw models ...` end to end: the real command in a subprocess, a temp state dir and CODEX_HOME."""

from __future__ import annotations

import base64
import json
import os
import pty
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import json_lines, openclaw_argv, snapshot_files
from tests.support import children

DAY = 86400
LOGIN = "openclaw models auth login --provider openai-codex"


# --------------------------------------------------------------------------- helpers


def b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def make_jwt(exp: float, *, email: str = "dev@example.com", plan: str = "plus", account_id: str = "acct_test",
             scopes: tuple[str, ...] = ("openid", "profile", "email", "offline_access")) -> str:
    """An unsigned-looking JWT with the claims ChatGPT access tokens carry (we never verify signatures)."""
    claims = {"exp": int(exp), "iat": int(time.time()), "scp": list(scopes),
              "https://api.openai.com/auth": {"chatgpt_account_id": account_id, "chatgpt_plan_type": plan},
              "https://api.openai.com/profile": {"email": email}}
    return f"{b64url({'alg': 'HS256', 'typ': 'JWT'})}.{b64url(claims)}.c2lnbmF0dXJl"


def jwt_with_payload(payload: str) -> str:
    """A JWT whose payload is this exact JSON text (which json.dumps could not produce: NaN, deep nesting)."""
    body = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    return f"{b64url({'alg': 'none'})}.{body}.c2lnbmF0dXJl"


DEEP_JSON = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError on it
HUGE_INT = "9" * 5000  # beyond int()'s 4300-digit limit: json.loads raises a ValueError that is no JSONDecodeError


def codex_record(expires_in: float, **extra) -> dict:
    exp = time.time() + expires_in
    record = {"provider": "openai-codex", "type": "oauth", "access_token": make_jwt(exp),
              "refresh_token": "rt_secret_refresh_value", "expires_at": int(exp * 1000),
              "scope": "openid profile email offline_access"}
    record.update(extra)
    return record


def write_credential(state_dir: Path, provider: str, record: dict | str) -> Path:
    directory = state_dir / "credentials"
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / f"{provider}.json"
    path.write_text(record if isinstance(record, str) else json.dumps(record))
    path.chmod(0o600)
    return path


def codex_home(cli_env: dict) -> Path:
    return Path(cli_env["CODEX_HOME"])


def write_codex_auth(cli_env: dict, expires_in: float, *, email: str = "cli@example.com") -> Path:
    home = codex_home(cli_env)
    home.mkdir(parents=True, exist_ok=True)
    exp = time.time() + expires_in
    auth = {"OPENAI_API_KEY": None,
            "tokens": {"id_token": make_jwt(exp + 3600, email=email), "access_token": make_jwt(exp, email=email),
                       "refresh_token": "rt_codex_cli_secret", "account_id": "acct_cli"},
            "last_refresh": "2026-01-01T00:00:00Z"}
    path = home / "auth.json"
    path.write_text(json.dumps(auth))
    return path


def write_config(state_dir: Path, *, auth_choice: str = "openai-codex",
                 auth_order: tuple[str, ...] = ("openai-codex:default", "openai-codex:codex-cli"),
                 default: str = "openai-codex/gpt-5.2") -> Path:
    order = ", ".join(f'"{entry}"' for entry in auth_order)
    path = state_dir / "openclaw.toml"
    path.write_text(f'[models]\ndefault = "{default}"\nauth_choice = "{auth_choice}"\nauth_order = [{order}]\n')
    return path


def status_json(run_cli, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    result = run_cli("models", "auth", "status", "--json", *args)
    return result, json.loads(result.stdout)


def profile(data: dict, name: str) -> dict:
    return next(p for p in data["profiles"] if p["profile"] == name)


def row_line(stdout: str, name: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith(name + " "))


def assert_no_secrets(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text
    assert not re.search(r"(?<![A-Za-z])rt_[A-Za-z0-9_-]{8}", text)  # no refresh token
    assert "eyJ" not in text  # no JWT


def revoke_at(oauth, token: str) -> None:
    body = urllib.parse.urlencode({"token": token, "client_id": oauth.client_id}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{oauth.issuer}/oauth/revoke", data=body), timeout=10).close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------- status words and --check


def test_ok_row_shows_time_account_and_source(run_cli, state_dir):
    path = write_credential(state_dir, "openai-codex", codex_record(9 * DAY + 4 * 3600 + 1800))
    result = run_cli("models", "auth", "status")
    assert result.returncode == 0, result.stderr
    line = row_line(result.stdout, "openai-codex:default")
    assert re.search(r"\bok\b", line)
    assert "expires in 9d 4h" in line
    assert "dev@example.com (plus)" in line
    assert path.name in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("expires_in, word, check_code", [
    (10 * DAY, "ok", 0),
    (3 * 3600, "expiring", 2),
    (-3600, "expired", 1),
])
def test_oauth_status_word_and_check_exit(run_cli, state_dir, expires_in, word, check_code):
    write_credential(state_dir, "openai-codex", codex_record(expires_in))
    _, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert row["status"] == word
    assert data["check"] == check_code
    assert run_cli("models", "auth", "status", "--check").returncode == check_code


def test_expiring_or_expired_with_a_refresh_token_fix_is_refresh_without_one_login(run_cli, state_dir):
    write_credential(state_dir, "openai-codex", codex_record(3 * 3600))
    expiring = run_cli("models", "auth", "status").stdout
    assert "fix: openclaw models auth refresh --provider openai-codex" in expiring
    write_credential(state_dir, "openai-codex", codex_record(-2 * 3600 - 60))
    expired = run_cli("models", "auth", "status").stdout
    assert "expired 2h 1m ago, refreshes on next use" in row_line(expired, "openai-codex:default")
    assert "fix: openclaw models auth refresh --provider openai-codex" in expired
    assert f"fix: {LOGIN}" not in expired
    no_refresh = codex_record(-2 * 3600 - 60)
    del no_refresh["refresh_token"]
    write_credential(state_dir, "openai-codex", no_refresh)
    dead = run_cli("models", "auth", "status").stdout
    assert "refreshes on next use" not in dead and f"fix: {LOGIN}" in dead


def test_missing_everything_says_login_and_check_is_1(run_cli, state_dir):
    result = run_cli("models", "auth", "status")
    assert result.returncode == 0
    assert re.search(r"openai-codex:default\s+missing", result.stdout)
    assert re.search(r"openai-codex:codex-cli\s+missing", result.stdout)
    assert f"fix: {LOGIN}" in result.stdout
    assert "fix: codex login" in result.stdout
    assert run_cli("models", "auth", "status", "--check").returncode == 1


def test_state_dir_that_does_not_exist_is_missing_not_a_traceback(run_cli, tmp_path):
    result = run_cli("models", "auth", "status", "--check", env={"OPENCLAW_STATE_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 1
    assert "missing" in result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "nowhere").exists()  # status writes nothing


def test_static_api_key_and_token_records(run_cli, state_dir):
    write_credential(state_dir, "openai-api-key", {"provider": "openai-api-key", "type": "api_key",
                                                   "access_token": "sk-test-secret-key"})
    write_credential(state_dir, "anthropic", {"provider": "anthropic", "type": "token",
                                              "access_token": "sk-ant-oat-secret"})
    write_config(state_dir, auth_choice="openai-api-key", auth_order=("openai-api-key:default",),
                 default="openai/gpt-5.2")
    result, data = status_json(run_cli)
    assert profile(data, "openai-api-key:default")["status"] == "static"
    assert profile(data, "anthropic:default")["status"] == "static"
    assert profile(data, "openai-api-key:default")["expires_at"] is None
    assert_no_secrets(result.stdout, "sk-test-secret-key", "sk-ant-oat-secret")
    # Someone who signs in with an API key is not failed by the always-shown openai-codex rows.
    assert run_cli("models", "auth", "status", "--check").returncode == 0
    human = run_cli("models", "auth", "status").stdout
    assert "no expiry" in row_line(human, "openai-api-key:default")


def test_expired_codex_cli_does_not_fail_check_when_default_is_ok(run_cli, state_dir, cli_env):
    """Seed 004: codex-cli expired, default ok, and the gateway still works."""
    write_credential(state_dir, "openai-codex", codex_record(10 * DAY))
    write_codex_auth(cli_env, -60)
    write_config(state_dir)
    result = run_cli("models", "auth", "status", "--check")
    assert result.returncode == 0
    assert re.search(r"openai-codex:codex-cli\s+expired", result.stdout)
    assert "fix: codex login" in result.stdout


def test_check_with_provider_judges_only_that_provider(run_cli, state_dir):
    write_credential(state_dir, "openai-codex", codex_record(-60))
    write_credential(state_dir, "anthropic-api-key", {"provider": "anthropic-api-key", "type": "api_key",
                                                      "access_token": "sk-ant-key"})
    assert run_cli("models", "auth", "status", "--check").returncode == 1
    assert run_cli("models", "auth", "status", "--check", "--provider", "anthropic-api-key").returncode == 0
    assert run_cli("models", "auth", "status", "--check", "--provider", "openai-codex").returncode == 1


def test_json_schema_has_every_field_and_no_token(run_cli, state_dir, cli_env):
    record = codex_record(5 * DAY, id_token=make_jwt(time.time() + 3600))
    write_credential(state_dir, "openai-codex", record)
    cli_auth = write_codex_auth(cli_env, 3600)
    result, data = status_json(run_cli)
    assert result.returncode == 0
    row = profile(data, "openai-codex:default")
    assert set(row) == {"profile", "provider", "status", "type", "expires_at", "expires_in_seconds", "email", "plan",
                        "account_id", "scopes", "source", "read_only", "refreshable", "refreshes_on_use", "revoked",
                        "fix", "error", "hint", "note"}
    assert data["serving"]["openai-codex"] == {"profile": "openai-codex:default", "status": "ok", "judged": True}
    assert row["provider"] == "openai-codex" and row["status"] == "ok" and row["fix"] is None
    assert row["expires_at"] == record["expires_at"]
    assert 5 * DAY - 120 < row["expires_in_seconds"] <= 5 * DAY
    assert (row["email"], row["plan"], row["account_id"]) == ("dev@example.com", "plus", "acct_test")
    assert row["scopes"] == ["openid", "profile", "email", "offline_access"]
    assert row["source"] == str(state_dir / "credentials" / "openai-codex.json")
    assert row["refreshable"] is True and row["read_only"] is False
    cli_row = profile(data, "openai-codex:codex-cli")
    assert cli_row["read_only"] is True and cli_row["refreshable"] is False
    assert cli_row["source"] == str(cli_auth)
    assert_no_secrets(result.stdout, record["access_token"], record["refresh_token"], "rt_codex_cli_secret")


def test_auth_order_profiles_are_shown_in_order(run_cli, state_dir):
    """`anthropic:manual` is how earlier versions named a pasted token: read as anthropic:default."""
    write_config(state_dir, auth_order=("openai-codex:codex-cli", "anthropic:manual", "openai-codex:default"))
    _, data = status_json(run_cli)
    names = [p["profile"] for p in data["profiles"]]
    assert names[:3] == ["openai-codex:codex-cli", "anthropic:default", "openai-codex:default"]
    assert profile(data, "anthropic:default")["fix"] == "openclaw models auth login --provider anthropic"


def test_unknown_profile_in_auth_order_is_named(run_cli, state_dir):
    write_config(state_dir, auth_order=("openai-codex:work", "nosuch:default"))
    _, data = status_json(run_cli)
    assert "unknown profile name 'work'" in profile(data, "openai-codex:work")["error"]
    assert "unknown provider 'nosuch'" in profile(data, "nosuch:default")["error"]


# --------------------------------------------------------------------------- the codex-cli view


@pytest.mark.parametrize("expires_in, word", [(5 * DAY, "ok"), (3000, "expiring"), (-60, "expired")])
def test_codex_cli_view_status_from_access_token_exp(run_cli, cli_env, expires_in, word):
    path = write_codex_auth(cli_env, expires_in)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    _, data = status_json(run_cli)
    row = profile(data, "openai-codex:codex-cli")
    assert row["status"] == word
    assert row["email"] == "cli@example.com" and row["account_id"] == "acct_cli"
    assert row["fix"] == (None if word == "ok" else "codex login")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # read-only: never rewritten
    assert sorted(p.name for p in path.parent.iterdir()) == ["auth.json"]


def test_codex_home_defaults_to_home_dot_codex(run_cli, cli_env, tmp_path):
    env = {k: v for k, v in cli_env.items() if k != "CODEX_HOME"}
    write_codex_auth(cli_env, 5 * DAY)  # cli_env's CODEX_HOME is $HOME/.codex
    result = children.run(openclaw_argv("models", "auth", "status", "--json"), capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert profile(json.loads(result.stdout), "openai-codex:codex-cli")["status"] == "ok"


def test_codex_cli_key_without_auth_mode_is_an_openai_api_key_not_a_chatgpt_sign_in(run_cli, cli_env):
    """Files of Codex CLIs before `auth_mode`: a string OPENAI_API_KEY means API-key mode (resolved_mode)."""
    home = codex_home(cli_env)
    home.mkdir(parents=True)
    (home / "auth.json").write_text(json.dumps({"OPENAI_API_KEY": "sk-from-codex", "tokens": None}))
    result, data = status_json(run_cli)
    chatgpt = profile(data, "openai-codex:codex-cli")
    assert chatgpt["status"] == "missing" and "signed in with an API key" in chatgpt["note"]
    key = profile(data, "openai-api-key:codex-cli")
    assert (key["status"], key["type"], key["read_only"]) == ("static", "api_key", True)
    assert data["serving"]["openai-codex"]["profile"] is None
    assert data["serving"]["openai-api-key"]["profile"] == "openai-api-key:codex-cli"
    assert "sk-from-codex" not in result.stdout


@pytest.mark.parametrize("content, needle", [
    ("{\"tokens\": {\"access_token\": \"abc\"}", "not valid JSON"),
    ("[]", "expected a JSON object"),
    (json.dumps({"tokens": {"access_token": "not-a-jwt"}}), "tokens.access_token' is not a JWT"),
    (json.dumps({"tokens": {"access_token": 42}}), "tokens.access_token' must be a string"),
    # (ids: pytest puts the test id in PYTEST_CURRENT_TEST, which the subprocess environment inherits)
    pytest.param(DEEP_JSON, "is not valid JSON (nested too deeply)", id="deeply-nested"),
    pytest.param('{"OPENAI_API_KEY": null, "tokens": ' + HUGE_INT + "}", "is not valid JSON", id="huge-integer"),
    pytest.param(json.dumps({"tokens": {"access_token": jwt_with_payload("[" * 50_000)}}),
                 "tokens.access_token' is not a JWT", id="jwt-payload-deeply-nested"),
    pytest.param(json.dumps({"tokens": {"access_token": jwt_with_payload('{"exp": 1e999}')}}),
                 "tokens.access_token' is a JWT whose 'exp' claim is not a date", id="jwt-exp-infinite"),
])
def test_broken_codex_cli_file_is_named_with_codex_login(run_cli, cli_env, content, needle):
    """auth.json belongs to another program: whatever it holds, status reports it and carries on."""
    home = codex_home(cli_env)
    home.mkdir(parents=True)
    (home / "auth.json").write_text(content)
    result, data = status_json(run_cli)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    row = profile(data, "openai-codex:codex-cli")
    assert row["status"] == "invalid" and needle in row["error"]
    assert row["fix"] == "codex login"
    detail = run_cli("models", "auth", "status", "--provider", "openai-codex")
    assert detail.returncode == 0 and needle in detail.stdout and "Traceback" not in detail.stderr
    imported = run_cli("models", "auth", "import", "--provider", "openai-codex", "--from-codex-cli", "--yes")
    assert imported.returncode == 2 and needle in imported.stderr and "Traceback" not in imported.stderr
    assert (home / "auth.json").read_text() == content


# --------------------------------------------------------------------------- the detail block


def test_provider_detail_block(run_cli, state_dir):
    record = codex_record(9 * DAY + 4 * 3600 + 1800)
    write_credential(state_dir, "openai-codex", record)
    result = run_cli("models", "auth", "status", "--provider", "openai-codex")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Provider:  openai-codex (OpenAI Codex (Sign in with ChatGPT))" in out
    assert re.search(r"Status:\s+ok", out)
    assert re.search(r"Expires:\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(expires in 9d 4h\)", out)
    assert "Scopes:    openid profile email offline_access" in out
    assert "Account:   dev@example.com (acct_test)" in out
    assert "Plan:      plus" in out
    assert f"Source:    {state_dir / 'credentials' / 'openai-codex.json'}" in out
    assert "Source:    " in out.split("openai-codex:codex-cli")[-1]  # the codex-cli block too
    assert "anthropic" not in out


def test_provider_filter_for_a_provider_with_nothing_stored(run_cli):
    _, data = status_json(run_cli, "--provider", "anthropic-api-key")
    assert [p["profile"] for p in data["profiles"]] == ["anthropic-api-key:default"]
    assert data["profiles"][0]["status"] == "missing"
    assert data["check"] == 1


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("command", [
    ("models", "auth", "status", "--provider", "nosuch"),
    ("models", "list", "--provider", "nosuch"),
    ("models", "auth", "refresh", "--provider", "nosuch"),
    ("models", "auth", "logout", "--provider", "nosuch"),
    ("models", "auth", "import", "--provider", "nosuch", "--file", "x.json"),
    ("models", "invoke", "--provider", "nosuch", "--model", "m", "--prompt", "hi"),
])
def test_unknown_provider_is_invalid_provider_exit_2(run_cli, command):
    result = run_cli(*command, "--json")
    assert result.returncode == 2
    error = json_lines(result.stdout)[-1]
    assert error["event"] == "error" and error["code"] == "INVALID_PROVIDER"
    for known in ("openai-codex", "openai-api-key", "anthropic-api-key", "anthropic"):
        assert known in error["hint"]
    assert "Traceback" not in result.stderr
    human = run_cli(*command)
    assert human.returncode == 2
    assert human.stderr.startswith("error: INVALID_PROVIDER: unknown provider 'nosuch'")
    assert "hint: known providers: openai-codex, openai-api-key" in human.stderr


def _expires_in_seconds_record() -> dict:
    record = codex_record(DAY * 3)
    record["expires_at"] //= 1000
    return record


BAD_FILES = {
    "truncated": ('{"provider": "openai-codex", "access_token": "eyJ', "is not valid JSON"),
    "empty": ("", "is empty"),
    "not json": ("access_token=abc\n", "is not valid JSON"),
    "not an object": ('["a", "b"]', "expected a JSON object"),
    "wrong type expires_at": (json.dumps(codex_record(DAY, expires_at="tomorrow")),
                              "field 'expires_at' must be a number"),
    "wrong type access_token": (json.dumps({"provider": "openai-codex", "access_token": 12345}),
                                "field 'access_token' must be a non-empty string"),
    "wrong type scope": (json.dumps(codex_record(DAY, scope=7)), "field 'scope' must be a string"),
    "expires_at in seconds": (json.dumps(_expires_in_seconds_record()), "which looks like seconds"),
    "deeply nested": (DEEP_JSON, "is not valid JSON (nested too deeply)"),
    "huge integer": ('{"provider": "openai-codex", "access_token": "x", "expires_at": ' + HUGE_INT + "}",
                     "is not valid JSON"),
    "jwt exp not a date": (json.dumps(codex_record(DAY, access_token=jwt_with_payload('{"exp": NaN}'))),
                           "field 'access_token' is a JWT whose 'exp' claim is not a date"),
    # An integer no float holds: math.isfinite raised OverflowError out of status (a traceback).
    "jwt exp a huge integer": (json.dumps(codex_record(DAY, access_token=jwt_with_payload(f'{{"exp": {10**400}}}'))),
                               "field 'access_token' is a JWT whose 'exp' claim is not a date"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_credential_file_is_named_with_fix_and_kept(run_cli, state_dir, case):
    content, needle = BAD_FILES[case]
    path = write_credential(state_dir, "openai-codex", content)
    before = snapshot_files(state_dir)
    result, data = status_json(run_cli)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    row = profile(data, "openai-codex:default")
    assert row["status"] == "invalid"
    assert needle in row["error"] and str(path) in row["error"]
    assert row["hint"] and row["fix"] == LOGIN
    human = run_cli("models", "auth", "status")
    assert needle in human.stdout and "fix: " in human.stdout
    assert run_cli("models", "auth", "status", "--check").returncode == 1
    assert snapshot_files(state_dir) == before  # nothing deleted or rewritten


def test_expires_at_in_seconds_fix_gives_the_milliseconds(run_cli, state_dir):
    record = _expires_in_seconds_record()
    write_credential(state_dir, "openai-codex", record)
    _, data = status_json(run_cli)
    assert str(record["expires_at"] * 1000) in profile(data, "openai-codex:default")["hint"]


def test_unreadable_credential_simulated_as_a_directory(run_cli, state_dir):
    """A directory at the path cannot be read as a file (unreadable modes: tests/e2e/test_unprivileged.py)."""
    (state_dir / "credentials" / "openai-codex.json").mkdir(parents=True)
    _, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert row["status"] == "invalid" and "cannot read" in row["error"]
    assert row["hint"] and row["fix"] == LOGIN
    assert (state_dir / "credentials" / "openai-codex.json").is_dir()


def test_group_readable_file_is_repaired_with_a_warning(run_cli, state_dir):
    path = write_credential(state_dir, "openai-codex", codex_record(DAY * 2))
    path.chmod(0o644)
    result = run_cli("models", "auth", "status")
    assert "repaired to 0600" in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- import


def test_import_from_file_writes_0600_and_shows_ok(run_cli, state_dir, tmp_path):
    record = codex_record(6 * DAY)
    source = tmp_path / "cred.json"
    source.write_text(json.dumps(record))
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(source))
    assert result.returncode == 0, result.stderr
    assert "stored openai-codex:default" in result.stdout and "status: ok" in result.stdout
    stored = state_dir / "credentials" / "openai-codex.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE((state_dir / "credentials").stat().st_mode) == 0o700
    saved = json.loads(stored.read_text())
    assert saved["access_token"] == record["access_token"] and saved["expires_at"] == record["expires_at"]
    assert saved["email"] == "dev@example.com"  # filled from the token's claims
    assert not [p for p in stored.parent.iterdir() if p.name.endswith(".tmp")]
    assert profile(status_json(run_cli)[1], "openai-codex:default")["status"] == "ok"


@pytest.mark.parametrize("content, needle", [
    pytest.param(DEEP_JSON, "stdin is not valid JSON (nested too deeply)", id="deeply-nested"),
    pytest.param('{"provider": "openai-codex", "access_token": ' + HUGE_INT + "}", "stdin is not valid JSON",
                 id="huge-integer"),
])
def test_import_of_hostile_json_on_stdin_is_a_clear_error(run_cli, state_dir, content, needle):
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "-", input=content)
    assert result.returncode == 2 and needle in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (state_dir / "credentials").exists()


@pytest.mark.parametrize("how", [("-",), ("--file", "-")])
def test_import_from_stdin(run_cli, state_dir, how):
    record = codex_record(2 * DAY)
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", *how, "--json",
                     input=json.dumps(record))
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    assert event["event"] == "imported" and event["from"] == "stdin"
    assert event["profile"]["status"] == "ok"
    assert_no_secrets(result.stdout, record["access_token"], record["refresh_token"])
    assert json.loads((state_dir / "credentials" / "openai-codex.json").read_text())["refresh_token"] == \
        record["refresh_token"]


def test_import_without_expires_at_takes_it_from_the_jwt(run_cli, state_dir):
    record = codex_record(4 * DAY)
    del record["expires_at"]
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "-", input=json.dumps(record))
    assert result.returncode == 0, result.stderr
    saved = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert abs(saved["expires_at"] / 1000 - (time.time() + 4 * DAY)) < 120


def test_import_api_key_record_is_static(run_cli, state_dir):
    result = run_cli("models", "auth", "import", "--provider", "openai-api-key", "-",
                     input=json.dumps({"access_token": "sk-imported"}))
    assert result.returncode == 0, result.stderr
    assert "stored openai-api-key:default" in result.stdout and "status: static" in result.stdout


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_import_of_a_bad_file_changes_nothing(run_cli, state_dir, tmp_path, case):
    content, needle = BAD_FILES[case]
    existing = codex_record(DAY * 3)
    write_credential(state_dir, "openai-codex", existing)
    before = snapshot_files(state_dir)
    source = tmp_path / "bad.json"
    source.write_text(content)
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(source))
    assert result.returncode == 2
    assert needle in result.stderr and "nothing was changed" in result.stderr
    assert snapshot_files(state_dir) == before


def test_import_provider_mismatch_and_missing_file(run_cli, state_dir, tmp_path):
    source = tmp_path / "other.json"
    source.write_text(json.dumps({"provider": "anthropic", "access_token": "x"}))
    mismatch = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(source))
    assert mismatch.returncode == 2 and "expected 'openai-codex'" in mismatch.stderr
    absent = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(tmp_path / "no.json"))
    assert absent.returncode == 2 and "no such file" in absent.stderr
    assert not (state_dir / "credentials").exists()


def test_import_of_codex_auth_json_shape_via_file(run_cli, state_dir, cli_env):
    path = write_codex_auth(cli_env, 2 * DAY)
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(path))
    assert result.returncode == 0, result.stderr
    saved = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert saved["account_id"] == "acct_cli" and saved["type"] == "oauth"


def test_from_codex_cli_without_tty_or_yes_refuses(run_cli, state_dir, cli_env):
    write_codex_auth(cli_env, 2 * DAY)
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--from-codex-cli")
    assert result.returncode == 2
    assert "--yes" in result.stderr and "stdin is not a terminal" in result.stderr
    assert "invalidates the other" in result.stderr  # the warning is shown first
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


def test_from_codex_cli_with_yes_copies_and_leaves_the_original(run_cli, state_dir, cli_env):
    path = write_codex_auth(cli_env, 2 * DAY)
    before = path.read_bytes()
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--from-codex-cli", "--yes")
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "refresh token" in result.stderr
    saved = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert saved["refresh_token"] == "rt_codex_cli_secret" and saved["email"] == "cli@example.com"
    assert path.read_bytes() == before
    _, data = status_json(run_cli)
    assert profile(data, "openai-codex:default")["status"] == "ok"
    assert profile(data, "openai-codex:codex-cli")["status"] == "ok"


@pytest.mark.parametrize("answer, code", [("y", 0), ("n", 130)])
def test_from_codex_cli_asks_on_a_terminal(cli_env, state_dir, tmp_path, answer, code):
    write_codex_auth(cli_env, 2 * DAY)
    leader, follower = pty.openpty()
    try:
        proc = children.popen(openclaw_argv("models", "auth", "import", "--provider", "openai-codex",
                                            "--from-codex-cli"), stdin=follower, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=cli_env, cwd=tmp_path)
        os.write(leader, f"{answer}\n".encode())
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    assert proc.returncode == code, err
    assert "Copy it anyway? [y/N]" in err
    assert (state_dir / "credentials" / "openai-codex.json").exists() == (answer == "y")


def test_from_codex_cli_when_there_is_none(run_cli):
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--from-codex-cli", "--yes")
    assert result.returncode == 1
    assert "no Codex CLI sign-in" in result.stderr and "codex login" in result.stderr


def test_from_codex_cli_only_for_openai_codex(run_cli, cli_env):
    write_codex_auth(cli_env, DAY)
    result = run_cli("models", "auth", "import", "--provider", "anthropic", "--from-codex-cli", "--yes")
    assert result.returncode == 2 and "use --provider openai-codex" in result.stderr


# --------------------------------------------------------------------------- logout


def test_logout_revokes_at_the_server_then_deletes(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    tokens = oauth.mint_tokens()
    record = {"provider": "openai-codex", "type": "oauth", "access_token": tokens["access_token"],
              "refresh_token": tokens["refresh_token"], "id_token": tokens["id_token"]}
    path = write_credential(state_dir, "openai-codex", record)
    result = run_cli("models", "auth", "logout", "--provider", "openai-codex")
    assert result.returncode == 0, result.stderr
    assert f"revoked the refresh token at {oauth.issuer}: the sign-in is ended" in result.stdout
    assert f"revoked the access token at {oauth.issuer}" in result.stdout
    assert "deleted" in result.stdout
    assert not path.exists()
    assert not (state_dir / "credentials" / "openai-codex.lock").exists()  # the lock file goes with it
    assert oauth.stats["revoke"] == 2
    assert {tokens["refresh_token"], tokens["access_token"]} <= oauth.revoked
    assert oauth.errors == []


def test_logout_when_revocation_fails_still_deletes(run_cli, state_dir, point_codex_at):
    class Unreachable:
        issuer = closed_port_url()

    point_codex_at(Unreachable)
    path = write_credential(state_dir, "openai-codex", codex_record(DAY))
    result = run_cli("models", "auth", "logout", "--provider", "openai-codex", "--json")
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    revocation = event.pop("revocation")
    assert event == {"event": "logged_out", "provider": "openai-codex", "revoked": False, "deleted": True,
                     "source": str(path), "unreadable": None, "codex_cli_untouched": False}
    assert {kind: outcome["outcome"] for kind, outcome in revocation.items()} == {
        "refresh_token": "failed", "access_token": "failed"}
    assert "could not reach the revocation endpoint" in revocation["refresh_token"]["detail"]
    assert not path.exists()


def test_logout_with_nothing_stored_and_codex_cli_left_alone(run_cli, state_dir, cli_env):
    cli_auth = write_codex_auth(cli_env, DAY)
    result = run_cli("models", "auth", "logout", "--provider", "openai-codex")
    assert result.returncode == 0
    assert "nothing stored for openai-codex" in result.stdout
    assert "codex logout" in result.stdout
    assert cli_auth.exists()


def test_logout_of_a_broken_file_deletes_it_without_revoking(run_cli, state_dir):
    path = write_credential(state_dir, "openai-codex", "{truncated")
    result = run_cli("models", "auth", "logout", "--provider", "openai-codex")
    assert result.returncode == 0
    assert "not revoked" in result.stdout and "deleted" in result.stdout
    assert not path.exists()


def test_logout_waits_for_a_refresh_in_flight_and_the_file_stays_deleted(spawn_cli, state_dir, monkeypatch):
    """A refresh holds the credential lock until it has written the rotated tokens; a logout meanwhile must
    wait and delete after it, or the refresh would re-create the file the user just signed out of."""
    from wizard.auth import store
    from wizard.auth.refresh import credential_lock

    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    path = write_credential(state_dir, "openai-api-key", {"provider": "openai-api-key", "type": "api_key",
                                                          "access_token": "sk-before"})
    with credential_lock("openai-api-key"):  # as a concurrent refresh would
        proc = spawn_cli("models", "auth", "logout", "--provider", "openai-api-key")
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=1.0)  # it waits for the lock...
        assert path.exists()  # ...and has deleted nothing yet
        store.save({"provider": "openai-api-key", "type": "api_key", "access_token": "sk-refreshed"})
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "deleted" in out
    assert not path.exists()  # the logout came last


def test_logout_of_an_api_key_deletes_locally(run_cli, state_dir):
    path = write_credential(state_dir, "openai-api-key", {"provider": "openai-api-key", "type": "api_key",
                                                          "access_token": "sk-x"})
    result = run_cli("models", "auth", "logout", "--provider", "openai-api-key")
    assert result.returncode == 0 and "no revocation endpoint" in result.stdout
    assert not path.exists()


# --------------------------------------------------------------------------- refresh


def test_refresh_the_codex_cli_profile_is_refused(run_cli, cli_env):
    write_codex_auth(cli_env, 60)
    result = run_cli("models", "auth", "refresh", "--provider", "openai-codex", "--profile", "codex-cli")
    assert result.returncode == 2
    assert "never refreshes it" in result.stderr and "codex login" in result.stderr


def test_refresh_without_a_sign_in_or_for_an_api_key(run_cli):
    missing = run_cli("models", "auth", "refresh", "--provider", "openai-codex")
    assert missing.returncode == 1 and LOGIN in missing.stderr
    static = run_cli("models", "auth", "refresh", "--provider", "openai-api-key")
    assert static.returncode == 2
    assert "openai-api-key uses an API key, not a sign-in: there is nothing to refresh" in static.stderr
    assert "openclaw models auth import --provider openai-api-key" in static.stderr  # not a login that cannot work


def test_refresh_rotates_the_stored_tokens(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    tokens = oauth.mint_tokens(access_ttl=3600)
    write_credential(state_dir, "openai-codex", {
        "provider": "openai-codex", "type": "oauth", "access_token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"], "id_token": tokens["id_token"]})
    result = run_cli("models", "auth", "refresh", "--provider", "openai-codex", "--json")
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    assert event["event"] == "refreshed" and event["profile"]["status"] in ("ok", "expiring")
    assert oauth.stats["token_refresh"] == 1
    saved = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert saved["refresh_token"] != tokens["refresh_token"]
    assert_no_secrets(result.stdout, saved["access_token"], saved["refresh_token"])


# --------------------------------------------------------------------------- models status and list


def no_usage_endpoint(state_dir: Path) -> None:
    """models status asks the usage endpoint for a valid ChatGPT sign-in: a closed local port, never the internet."""
    (state_dir / "providers.toml").write_text(f'[providers.openai-codex]\nusage_url = "{closed_port_url()}"\n')


def test_models_status_shows_config_then_profiles(run_cli, state_dir, cli_env):
    no_usage_endpoint(state_dir)
    write_config(state_dir)
    write_credential(state_dir, "openai-codex", codex_record(10 * DAY + 60))
    write_codex_auth(cli_env, -30)
    result = run_cli("models", "status")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Default model:  openai-codex/gpt-5.2" in out
    assert "Auth order:     openai-codex:default, openai-codex:codex-cli" in out
    assert out.index("Default model") < out.index("OAuth/token status") < out.index("openai-codex:default ")
    assert re.search(r"^openai-codex usage: unavailable \(offline: .+\)$", out, re.M)
    assert "expires in 10d" in row_line(out, "openai-codex:default")
    assert re.search(r"openai-codex:codex-cli\s+expired", out)
    assert run_cli("models", "status", "--check").returncode == 0


def test_models_status_json_and_check(run_cli, state_dir):
    no_usage_endpoint(state_dir)
    write_config(state_dir)
    write_credential(state_dir, "openai-codex", codex_record(600))
    result = run_cli("models", "status", "--json", "--check")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["default_model"] == "openai-codex/gpt-5.2" and data["auth_choice"] == "openai-codex"
    assert data["auth_order"] == ["openai-codex:default", "openai-codex:codex-cli"]
    assert data["config"] == str(state_dir / "openclaw.toml") and data["config_error"] is None
    assert profile(data, "openai-codex:default")["status"] == "expiring"


def test_models_status_without_config_and_with_broken_config(run_cli, state_dir):
    bare = run_cli("models", "status")
    assert bare.returncode == 0 and "not found: run `openclaw onboard`" in bare.stdout
    (state_dir / "openclaw.toml").write_text("[models\ndefault = ")
    broken = run_cli("models", "status")
    assert broken.returncode == 0 and "is not valid TOML" in broken.stdout
    assert "OAuth/token status" in broken.stdout
    status = run_cli("models", "auth", "status")
    assert status.returncode == 0 and "is not valid TOML" in status.stderr and "auth_order" in status.stderr


@pytest.mark.parametrize("content, needle", [
    pytest.param(b"a = " + b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deeply-nested-array"),
    pytest.param(b"a = " + b"{b=" * 5000 + b"1" + b"}" * 5000, "nested too deeply", id="deeply-nested-table"),
    pytest.param(b'[models]\ndefault = "\xff"\n', "not UTF-8 text", id="not-utf8"),
])
def test_a_hostile_config_file_is_a_warning_not_a_crash(run_cli, state_dir, content, needle):
    path = state_dir / "openclaw.toml"
    path.write_bytes(content)
    status = run_cli("models", "auth", "status")
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert f"{path} is not valid TOML: it is {needle}" in status.stderr
    models = run_cli("models", "status", "--json")
    assert models.returncode == 0 and "Traceback" not in models.stderr
    assert json.loads(models.stdout)["config_error"] == f"{path} is not valid TOML: it is {needle}"
    assert run_cli("models", "list").returncode == 0


@pytest.mark.parametrize("table, words", [
    ('redirect_ports = "1455"', "[providers.openai-codex]: redirect_ports must be an array of port numbers 1-65535"),
    ("redirect_ports = []", "[providers.openai-codex]: redirect_ports must be an array of port numbers"),
    ("redirect_ports = [true]", "[providers.openai-codex]: redirect_ports must be an array of port numbers"),
    ('authorize_params = "x"', "[providers.openai-codex]: authorize_params must be a table of strings"),
    ("authorize_params = { prompt = 1 }", "[providers.openai-codex]: authorize_params must be a table of strings"),
    ("issuer = 5", "[providers.openai-codex]: issuer must be a string, got an integer"),
    ('discovery = "yes"', "[providers.openai-codex]: discovery must be true or false, got a string"),
    ('kind = "password"', "[providers.openai-codex]: kind must be one of: 'oauth', 'api_key', 'token'"),
    ("redirect_port = true", "[providers.openai-codex]: redirect_port must be a port number 1-65535"),
    ("redirect_port = 1455\ncallback_port = 1457",
     "[providers.openai-codex]: redirect_port and callback_port are the same setting; keep one"),
    ("callback_port = 1457", None),  # the other spelling of redirect_port
])
def test_providers_file_values_are_type_checked(run_cli, state_dir, table, words):
    path = state_dir / "providers.toml"
    path.write_text(f"[providers.openai-codex]\n{table}\n")
    if words is None:
        result = run_cli("models", "auth", "status", "--provider", "openai-codex")
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return
    for command in (("models", "auth", "status"), ("models", "auth", "login", "--provider", "openai-codex")):
        result = run_cli(*command)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert f"{path} {words}" in result.stderr


@pytest.mark.parametrize("content, needle", [
    pytest.param(b"a = " + b"[" * 100_000 + b"]" * 100_000, "is not valid TOML: it is nested too deeply", id="deep"),
    pytest.param(b"[providers.x]\nissuer = \"\xff\"\n", "is not valid TOML: it is not UTF-8 text", id="not-utf8"),
    pytest.param(b"[providers\n", "is not valid TOML", id="syntax"),
])
def test_a_hostile_providers_file_is_a_usage_error_naming_it(run_cli, state_dir, content, needle):
    path = state_dir / "providers.toml"
    path.write_bytes(content)
    result = run_cli("models", "auth", "status")
    assert result.returncode == 2 and f"{path} {needle}" in result.stderr
    assert "Traceback" not in result.stderr


def test_providers_file_example_hint_is_on_real_lines(run_cli, state_dir):
    (state_dir / "providers.toml").write_text("providers = 5\n")
    result = run_cli("models", "auth", "status")
    assert result.returncode == 2 and "expected [providers.<id>] tables" in result.stderr
    assert "\\n" not in result.stderr
    lines = result.stderr.splitlines()
    assert "[providers.myidp]" in lines and 'issuer = "https://id.example.com"' in lines


def _list_row(stdout: str, model: str) -> list[str]:
    return row_line(stdout, model).split()


def test_models_list_tags_missing_then_configured_ok(run_cli, state_dir):
    write_config(state_dir)
    missing = run_cli("models", "list")
    assert missing.returncode == 0, missing.stderr
    assert missing.stdout.splitlines()[0].split() == ["Model", "Input", "Ctx", "Local", "Auth", "Tags"]
    assert _list_row(missing.stdout, "openai-codex/gpt-5.2") == [
        "openai-codex/gpt-5.2", "text+image", "272k", "no", "missing", "default,configured,missing"]
    write_credential(state_dir, "openai-codex", codex_record(10 * DAY))
    ok = run_cli("models", "list")
    assert _list_row(ok.stdout, "openai-codex/gpt-5.2")[-2:] == ["ok", "default,configured"]
    assert _list_row(ok.stdout, "ollama/llama3.3")[3:] == ["yes", "-", "-"]


def test_models_list_expired_auth_is_tagged_missing(run_cli, state_dir):
    write_config(state_dir)
    write_credential(state_dir, "openai-codex", codex_record(-60))
    data = json.loads(run_cli("models", "list", "--json").stdout)
    row = next(m for m in data["models"] if m["id"] == "openai-codex/gpt-5.2")
    assert row["auth"] == "expired" and row["tags"] == ["default", "configured", "missing"]


def test_models_list_provider_filter_and_json(run_cli, state_dir):
    write_credential(state_dir, "anthropic", {"provider": "anthropic", "type": "token", "access_token": "tok"})
    result = run_cli("models", "list", "--provider", "anthropic", "--json")
    assert result.returncode == 0
    models = json.loads(result.stdout)["models"]
    assert models and all("anthropic" in m["providers"] for m in models)
    first = models[0]
    assert set(first) == {"id", "providers", "input", "context_window", "local", "auth", "tags", "in_catalog"}
    assert first["auth"] == "static" and "missing" not in first["tags"]
    assert "tok" not in result.stdout.replace("tokens", "")


def test_models_list_shows_a_configured_model_the_catalog_lacks(run_cli, state_dir):
    write_config(state_dir, default="openai-codex/gpt-9-experimental")
    result = run_cli("models", "list")
    assert _list_row(result.stdout, "openai-codex/gpt-9-experimental") == [
        "openai-codex/gpt-9-experimental", "-", "-", "-", "missing", "default,configured,missing"]


# --------------------------------------------------------------------------- invoke


def _stored_server_tokens(state_dir: Path, oauth, *, refresh: bool, access_ttl: int = 3600) -> dict:
    tokens = oauth.mint_tokens(access_ttl=access_ttl)
    record = {"provider": "openai-codex", "type": "oauth", "access_token": tokens["access_token"],
              "id_token": tokens["id_token"], "expires_at": int((time.time() + access_ttl) * 1000)}
    if refresh:
        record["refresh_token"] = tokens["refresh_token"]
    write_credential(state_dir, "openai-codex", record)
    return tokens


def test_invoke_prints_the_reply_and_usage(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    _stored_server_tokens(state_dir, oauth, refresh=False)
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--model", "openai-codex/gpt-5.2",
                     "--prompt", "hello there")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "echo: hello there"
    assert re.search(r"tokens: 2 in, 3 out, 5 total \(gpt-5\.2, openai-codex\)", result.stdout)
    assert oauth.stats["invoke"] == 1 and oauth.errors == []


def test_invoke_json(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    tokens = _stored_server_tokens(state_dir, oauth, refresh=False)
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--model", "gpt-5.2", "--prompt", "hi",
                     "--json")
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    assert event["event"] == "reply" and event["text"] == "echo: hi"
    assert event["usage"] == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    assert tokens["access_token"] not in result.stdout


def test_invoke_with_a_revoked_token_names_the_login_command(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    tokens = _stored_server_tokens(state_dir, oauth, refresh=False)
    revoke_at(oauth, tokens["access_token"])
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--model", "gpt-5.2", "--prompt", "hi")
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "revoked or has expired" in result.stderr
    assert LOGIN in result.stderr


def test_invoke_after_a_401_refreshes_once_and_retries(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    tokens = _stored_server_tokens(state_dir, oauth, refresh=True)
    revoke_at(oauth, tokens["access_token"])
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--model", "gpt-5.2", "--prompt", "retry")
    assert result.returncode == 0, result.stderr
    assert "echo: retry" in result.stdout
    assert oauth.stats["invoke"] == 2 and oauth.stats["token_refresh"] == 1


def test_invoke_refreshes_an_expired_token_first(run_cli, state_dir, oauth, point_codex_at):
    point_codex_at(oauth)
    _stored_server_tokens(state_dir, oauth, refresh=True, access_ttl=-10)  # expired ten seconds ago
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--model", "gpt-5.2", "--prompt", "again")
    assert result.returncode == 0, result.stderr
    assert "echo: again" in result.stdout
    assert oauth.stats["token_refresh"] == 1 and oauth.stats["invoke"] == 1


def test_invoke_without_a_sign_in(run_cli):
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--model", "gpt-5.2", "--prompt", "hi")
    assert result.returncode == 1 and "not signed in to openai-codex" in result.stderr and LOGIN in result.stderr


# --------------------------------------------------------------------------- speed and output hygiene


def test_auth_status_imports_no_heavy_module(cli_env, state_dir, tmp_path):
    write_credential(state_dir, "openai-codex", codex_record(DAY * 2))
    write_config(state_dir)
    code = ("import sys\nfrom wizard.cli import main\ncode = main(['models', 'auth', 'status'])\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'textual', 'httpx2', 'httpx', 'authlib', 'joserfc', 'tomlkit', 'rich', 'filelock', 'pyperclip'})\n"
            "print('HEAVY=' + ','.join(heavy))\n")
    result = children.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env,
                          cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="


def test_colour_only_on_a_terminal_without_no_color(cli_env, state_dir, tmp_path):
    write_credential(state_dir, "openai-codex", codex_record(DAY * 2))

    def run_on_pty(env: dict) -> str:
        leader, follower = pty.openpty()
        try:
            proc = children.run(openclaw_argv("models", "auth", "status"), stdout=follower, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, cwd=tmp_path, timeout=60)
            assert proc.returncode == 0, proc.stderr
            os.close(follower)
            follower = -1
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode()
        finally:
            os.close(leader)
            if follower != -1:
                os.close(follower)

    coloured = run_on_pty({k: v for k, v in cli_env.items() if k != "NO_COLOR"})
    assert "\x1b[32m" in coloured  # ok in green
    assert "\x1b[" not in run_on_pty(cli_env)
    piped = children.run(openclaw_argv("models", "auth", "status"), capture_output=True, text=True, cwd=tmp_path,
                         env={k: v for k, v in cli_env.items() if k != "NO_COLOR"}, timeout=60)
    assert "\x1b[" not in piped.stdout
