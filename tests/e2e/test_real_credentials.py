"""The credentials users really have (issue 10), through the real `openclaw` in a subprocess.

Each file here is written in the exact shape its owner writes it: the companion-app file of seed
000's solution C verbatim; the Codex CLI's auth.json in ChatGPT and API-key mode as Codex CLI 0.171.0
writes it (pretty JSON, 2-space indent, mode 0600), and the same JSON compact in the OS keychain under
service "Codex Auth", account "cli|" + 16 hex of SHA-256 of the canonical CODEX_HOME (a keyring backend
the test provides; never the machine's keychain). The model endpoints are real HTTP servers on
127.0.0.1: the test OAuth server's Responses stand-in and tests/support/backend_server.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, json_lines, snapshot_files
from tests.e2e.test_models import closed_port_url, make_jwt, profile, row_line, status_json, write_config
from tests.support.backend_server import BackendStandIn, usage_body

DAY = 86400
# Seed 000, solution C: exactly what the troubleshooting guide tells a companion app to write.
SEED_FILE = """\
{
  "provider": "openai-codex",
  "access_token": "sk-...",
  "refresh_token": "rt-...",
  "expires_at": 1735689600000,
  "scope": "codex.connect"
}
"""
REFRESH = "openclaw models auth refresh --provider openai-codex"
LOGIN = "openclaw models auth login --provider openai-codex"
TEST_BACKEND = "tests.support.keyring_backend.FileKeyring"


@pytest.fixture
def backend():
    server = BackendStandIn().start()
    yield server
    server.stop()


def write_seed_file(state_dir: Path, text: str = SEED_FILE) -> Path:
    """As the guide says: cat > ~/.openclaw/credentials/openai-codex.json, then chmod 600."""
    directory = state_dir / "credentials"
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / "openai-codex.json"
    path.write_text(text)
    path.chmod(0o600)
    return path


def future_seed(days: float = 10) -> str:
    return SEED_FILE.replace("1735689600000", str(int((time.time() + days * DAY) * 1000)))


def codex_home(cli_env: dict) -> Path:
    home = Path(cli_env["CODEX_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    return home


def chatgpt_auth(tokens: dict, account_id: str = "acct_test") -> dict:
    """auth.json in ChatGPT mode as Codex CLI 0.171.0 writes it (id_token as the raw JWT string)."""
    return {"auth_mode": "chatgpt", "OPENAI_API_KEY": None,
            "tokens": {"id_token": tokens["id_token"], "access_token": tokens["access_token"],
                       "refresh_token": tokens["refresh_token"], "account_id": account_id},
            "last_refresh": "2026-11-30T17:00:00.123456Z"}


def write_codex_file(cli_env: dict, auth: dict) -> Path:
    """serde_json::to_string_pretty (2-space indent), created 0600 and renamed into place, as Codex does."""
    path = codex_home(cli_env) / "auth.json"
    path.write_text(json.dumps(auth, indent=2))
    path.chmod(0o600)
    return path


def minted_codex_auth(oauth, *, access_ttl: int = 3600) -> dict:
    return chatgpt_auth(oauth.mint_tokens(access_ttl=access_ttl))


def keyring_env(cli_env: dict, tmp_path: Path, entries: dict[str, str] | None = None,
                backend: str = TEST_BACKEND) -> dict:
    """Select the test's keyring backend in the subprocess, holding `entries` (account -> secret) for "Codex Auth"."""
    store = tmp_path / "keyring.json"
    store.write_text(json.dumps({"Codex Auth": entries or {}}))
    return {"PYTHON_KEYRING_BACKEND": backend, "OPENCLAW_TEST_KEYRING_FILE": str(store),
            "PYTHONPATH": str(ROOT)}


def codex_keyring_account(home: Path) -> str:
    return "cli|" + hashlib.sha256(os.path.realpath(home).encode()).hexdigest()[:16]


def set_codex_store(cli_env: dict, store: str, extra: str = "") -> None:
    (codex_home(cli_env) / "config.toml").write_text(
        f'model = "gpt-5.2"\ncli_auth_credentials_store = "{store}"\n{extra}')


def providers_toml(state_dir: Path, oauth=None, *, usage_url: str | None = None,
                   responses_url: str | None = None) -> None:
    lines = ["[providers.openai-codex]"]
    if oauth is not None:
        lines += [f'issuer = "{oauth.issuer}"', f'invoke_url = "{oauth.issuer}/backend-api/codex/responses"']
    lines.append(f'usage_url = "{usage_url or closed_port_url()}"')
    if responses_url:
        lines += ["[providers.openai-api-key]", f'invoke_url = "{responses_url}"']
    (state_dir / "providers.toml").write_text("\n".join(lines) + "\n")


def assert_clean(result: subprocess.CompletedProcess, *secrets: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr


# --------------------------------------------------------------------------- seed 000: the companion-app file


def test_seed_file_verbatim_expired_refreshes_on_next_use(run_cli, state_dir):
    write_seed_file(state_dir)
    result, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert (row["status"], row["type"], row["error"]) == ("expired", "oauth", None)
    assert row["expires_at"] == 1735689600000 and row["scopes"] == ["codex.connect"]
    assert row["refreshes_on_use"] is True and row["fix"] == REFRESH
    assert run_cli("models", "auth", "status", "--check").returncode == 1
    human = run_cli("models", "auth", "status", "--provider", "openai-codex")
    assert "refreshes on next use" in row_line(human.stdout, "openai-codex:default")
    assert "Scopes:    codex.connect" in human.stdout
    assert "Expires:   2025-01-01T00:00:00Z" in human.stdout and f"fix: {REFRESH}" in human.stdout
    assert_clean(result, "rt-...")


def test_seed_file_with_a_future_expiry_is_ok_and_serves(run_cli, state_dir):
    write_seed_file(state_dir, future_seed())
    result, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert (row["status"], row["error"], row["scopes"]) == ("ok", None, ["codex.connect"])
    assert data["serving"]["openai-codex"]["profile"] == "openai-codex:default"
    assert run_cli("models", "auth", "status", "--check").returncode == 0
    listed = json.loads(run_cli("models", "list", "--provider", "openai-codex", "--json").stdout)["models"]
    assert {m["auth"] for m in listed} == {"ok"}


def test_seed_file_without_refresh_token_is_the_same_profile(run_cli, state_dir):
    write_seed_file(state_dir, future_seed().replace('  "refresh_token": "rt-...",\n', ""))
    _, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert (row["status"], row["type"], row["refreshable"]) == ("ok", "token", False)
    assert [p["profile"] for p in data["profiles"]].count("openai-codex:default") == 1
    assert not [p for p in data["profiles"] if p["profile"].endswith(":manual")]


@pytest.mark.parametrize("text", [SEED_FILE, None], ids=["expired", "future"])
def test_import_of_the_seed_file(run_cli, state_dir, tmp_path, text):
    source = tmp_path / "openai-codex.json"
    source.write_text(text or future_seed())
    source.chmod(0o600)
    result = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(source), "--json")
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    assert event["profile"]["profile"] == "openai-codex:default"
    assert event["profile"]["status"] == ("expired" if text else "ok")
    stored = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert {k: stored[k] for k in ("access_token", "refresh_token", "scope")} == {
        "access_token": "sk-...", "refresh_token": "rt-...", "scope": "codex.connect"}
    assert stat.S_IMODE((state_dir / "credentials" / "openai-codex.json").stat().st_mode) == 0o600
    assert_clean(result, "rt-...")


def test_a_truncated_file_is_invalid_and_kept(run_cli, state_dir):
    path = write_seed_file(state_dir, SEED_FILE[:70])
    before = snapshot_files(state_dir)
    result, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert row["status"] == "invalid" and "is not valid JSON" in row["error"] and str(path) in row["error"]
    assert row["fix"] == LOGIN
    check = run_cli("models", "auth", "status", "--check")
    assert check.returncode == 1 and re.search(r"openai-codex:default\s+invalid", check.stdout)
    assert "error: " in check.stdout
    assert snapshot_files(state_dir) == before
    assert_clean(result)


# --------------------------------------------------------------------------- the Codex CLI, ChatGPT mode


def test_codex_chatgpt_sign_in_serves_invoke_and_is_never_written(run_cli, state_dir, cli_env, oauth):
    """Only the Codex CLI's auth.json: status, --check, list and invoke agree it serves openai-codex."""
    providers_toml(state_dir, oauth)
    write_config(state_dir)  # what onboarding writes: default model openai-codex/gpt-5.2, default + codex-cli
    path = write_codex_file(cli_env, minted_codex_auth(oauth))
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    _, data = status_json(run_cli)
    assert data["serving"]["openai-codex"] == {"profile": "openai-codex:codex-cli", "status": "expiring",
                                               "judged": True}
    assert run_cli("models", "status", "--check").returncode == 2  # expiring within the hour
    listed = json.loads(run_cli("models", "list", "--json").stdout)["models"]
    assert next(m for m in listed if m["id"] == "openai-codex/gpt-5.2")["auth"] == "expiring"
    result = run_cli("models", "invoke", "--prompt", "from codex")  # the configured default model
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("echo: from codex") and "(gpt-5.2, openai-codex)" in result.stdout
    assert oauth.stats["invoke"] == 1 and oauth.stats["token_refresh"] == 0
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))) == before
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


def test_an_expired_codex_sign_in_is_never_refreshed_by_us(run_cli, state_dir, cli_env, oauth):
    providers_toml(state_dir, oauth)
    path = write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=-60))
    before = path.read_bytes()
    result = run_cli("models", "invoke", "--model", "openai-codex/gpt-5.2", "--prompt", "hi")
    assert result.returncode == 1
    assert "openai-codex:codex-cli is expired" in result.stderr and "codex login" in result.stderr
    assert oauth.stats["token_refresh"] == 0 and oauth.stats["invoke"] == 0
    assert path.read_bytes() == before


def test_a_codex_sign_in_rejected_by_the_endpoint_says_codex_login(run_cli, state_dir, cli_env, oauth):
    from tests.e2e.test_models import revoke_at

    providers_toml(state_dir, oauth)
    auth = minted_codex_auth(oauth)
    write_codex_file(cli_env, auth)
    revoke_at(oauth, auth["tokens"]["access_token"])
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--prompt", "hi")
    assert result.returncode == 1 and "HTTP 401" in result.stderr
    assert "run `codex login`" in result.stderr and oauth.stats["token_refresh"] == 0


# --------------------------------------------------------------------------- the Codex CLI, API-key mode


# What `codex login --with-api-key` writes (0.171.0): no tokens, no last_refresh.
API_KEY_FILE = '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-test-backend-key"\n}'


def test_codex_api_key_mode_is_an_openai_api_key_not_a_chatgpt_sign_in(run_cli, state_dir, cli_env, backend):
    providers_toml(state_dir, responses_url=backend.responses_url)
    path = codex_home(cli_env) / "auth.json"
    path.write_text(API_KEY_FILE)
    path.chmod(0o600)
    result, data = status_json(run_cli)
    chatgpt = profile(data, "openai-codex:codex-cli")
    assert chatgpt["status"] == "missing" and "signed in with an API key" in chatgpt["note"]
    key = profile(data, "openai-api-key:codex-cli")
    assert (key["status"], key["type"], key["read_only"], key["source"]) == ("static", "api_key", True, str(path))
    models = json.loads(run_cli("models", "list", "--json").stdout)["models"]
    auth = {m["id"]: m["auth"] for m in models}
    assert auth["openai/gpt-5.2"] == "static" and auth["openai-codex/gpt-5.2"] == "missing"
    reply = run_cli("models", "invoke", "--model", "openai/gpt-5.2", "--prompt", "hello key")
    assert reply.returncode == 0, reply.stderr
    assert reply.stdout.startswith("key says: hello key") and "openai-api-key" in reply.stdout
    assert backend.seen("/v1/responses")[-1]["headers"]["authorization"] == "Bearer sk-test-backend-key"
    chatgpt_call = run_cli("models", "invoke", "--model", "openai-codex/gpt-5.2", "--prompt", "x")
    assert chatgpt_call.returncode == 1 and "not signed in to openai-codex" in chatgpt_call.stderr
    assert path.read_text() == API_KEY_FILE
    assert_clean(result, "sk-test-backend-key")
    assert_clean(reply, "sk-test-backend-key")


def test_import_from_codex_in_api_key_mode_points_at_the_right_provider(run_cli, state_dir, cli_env):
    path = codex_home(cli_env) / "auth.json"
    path.write_text(API_KEY_FILE)
    refused = run_cli("models", "auth", "import", "--provider", "openai-codex", "--from-codex-cli", "--yes")
    assert refused.returncode == 2 and "signed in with an API key, not ChatGPT" in refused.stderr
    wrong = run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(path))
    assert wrong.returncode == 2 and "use --provider openai-api-key" in wrong.stderr
    right = run_cli("models", "auth", "import", "--provider", "openai", "--file", str(path))
    assert right.returncode == 0, right.stderr
    assert "stored openai-api-key:default" in right.stdout
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


# --------------------------------------------------------------------------- the Codex CLI, OS keychain


def test_codex_keychain_sign_in_is_read_through_keyring(run_cli, state_dir, cli_env, tmp_path, oauth):
    providers_toml(state_dir, oauth)
    set_codex_store(cli_env, "keyring")
    home = codex_home(cli_env)
    secret = json.dumps(minted_codex_auth(oauth, access_ttl=3 * DAY), separators=(",", ":"))  # to_string: compact
    env = keyring_env(cli_env, tmp_path, {codex_keyring_account(home): secret})
    result = run_cli("models", "auth", "status", "--json", env=env)
    row = profile(json.loads(result.stdout), "openai-codex:codex-cli")
    assert (row["status"], row["email"], row["account_id"]) == ("ok", "dev@example.com", "acct_test")
    assert row["source"] == f"keyring:Codex Auth/{codex_keyring_account(home)}"
    human = run_cli("models", "auth", "status", env=env)
    assert "OS keychain (Codex Auth/cli|" in row_line(human.stdout, "openai-codex:codex-cli")
    reply = run_cli("models", "invoke", "--provider", "openai-codex", "--prompt", "from the keychain", env=env)
    assert reply.returncode == 0, reply.stderr
    assert reply.stdout.startswith("echo: from the keychain")
    assert not (home / "auth.json").exists()
    assert json.loads((tmp_path / "keyring.json").read_text()) == {"Codex Auth": {codex_keyring_account(home): secret}}
    assert_clean(result, json.loads(secret)["tokens"]["refresh_token"])


def test_codex_keychain_api_key_entry(run_cli, cli_env, tmp_path):
    set_codex_store(cli_env, "keyring")
    secret = '{"auth_mode":"apikey","OPENAI_API_KEY":"sk-test-keyring-abcdef123"}'  # as observed on 0.171.0
    env = keyring_env(cli_env, tmp_path, {codex_keyring_account(codex_home(cli_env)): secret})
    _, data = status_json(lambda *a: run_cli(*a, env=env))
    assert profile(data, "openai-api-key:codex-cli")["status"] == "static"
    assert profile(data, "openai-codex:codex-cli")["status"] == "missing"


@pytest.mark.parametrize("backend, needle", [
    ("keyring.backends.fail.Keyring", "which is not reachable here: no keyring backend is available"),
    ("tests.support.keyring_backend.LockedKeyring",
     "which is not reachable here: the keyring backend failed: KeyringLocked: Failed to unlock the collection!"),
])
def test_a_keychain_that_cannot_be_reached_is_named_not_codex_login(run_cli, state_dir, cli_env, tmp_path,
                                                                     backend, needle):
    set_codex_store(cli_env, "keyring")
    env = keyring_env(cli_env, tmp_path, backend=backend)
    before = snapshot_files(codex_home(cli_env))
    result = run_cli("models", "auth", "status", "--json", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    row = profile(json.loads(result.stdout), "openai-codex:codex-cli")
    assert row["status"] == "invalid"
    assert row["error"].startswith("the Codex CLI keeps its sign-in in the OS keychain (cli_auth_credentials_store")
    assert needle in row["error"]
    assert row["hint"].startswith("run openclaw where the keychain is reachable")
    assert row["fix"] == LOGIN  # not `codex login`, which would only store it in the keychain again
    human = run_cli("models", "auth", "status", env=env)
    assert needle in human.stdout and "fix: run openclaw where the keychain is reachable" in human.stdout
    assert run_cli("models", "auth", "status", "--check", env=env).returncode == 1
    assert snapshot_files(codex_home(cli_env)) == before


def test_auto_store_falls_back_to_the_file_like_the_codex_cli(run_cli, cli_env, tmp_path, oauth):
    set_codex_store(cli_env, "auto")
    write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * DAY))
    env = keyring_env(cli_env, tmp_path, backend="keyring.backends.fail.Keyring")
    _, data = status_json(lambda *a: run_cli(*a, env=env))
    row = profile(data, "openai-codex:codex-cli")
    assert row["status"] == "ok" and row["source"].endswith("auth.json")


def test_keychain_mode_without_an_entry_is_missing_with_codex_login(run_cli, cli_env, tmp_path):
    set_codex_store(cli_env, "keyring")
    env = keyring_env(cli_env, tmp_path, {"cli|0000000000000000": "{}"})  # another CODEX_HOME's entry
    _, data = status_json(lambda *a: run_cli(*a, env=env))
    row = profile(data, "openai-codex:codex-cli")
    assert row["status"] == "missing" and row["fix"] == "codex login" and row["source"].startswith("keyring:")


def test_the_encrypted_secrets_store_is_named_as_unreadable(run_cli, cli_env, tmp_path):
    set_codex_store(cli_env, "keyring", "[features]\nsecret_auth_storage = true\n")
    _, data = status_json(lambda *a: run_cli(*a, env=keyring_env(cli_env, tmp_path)))
    row = profile(data, "openai-codex:codex-cli")
    assert row["status"] == "invalid" and "codex_auth.age" in row["error"] and "cannot read" in row["error"]


def test_auth_status_loads_keyring_only_when_the_codex_config_asks(cli_env, tmp_path, state_dir):
    probe = ("import sys\nfrom wizard.cli import main\nmain(['models', 'auth', 'status'])\n"
             "print('KEYRING=' + str('keyring' in sys.modules))\n")

    def keyring_loaded(env: dict) -> bool:
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                env={**cli_env, **env}, cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1] == "KEYRING=True"

    write_codex_file(cli_env, chatgpt_auth({"id_token": make_jwt(time.time() + DAY),
                                            "access_token": make_jwt(time.time() + DAY), "refresh_token": "rt_x"}))
    (codex_home(cli_env) / "config.toml").write_text('model = "gpt-5.2"\n')
    assert keyring_loaded({}) is False
    set_codex_store(cli_env, "keyring")
    assert keyring_loaded(keyring_env(cli_env, tmp_path)) is True


@pytest.mark.parametrize("content, needle", [
    pytest.param(None, "is a directory", id="directory"),
    pytest.param(json.dumps({"auth_mode": "chatgpt", "tokens": {"access_token": ["x"]}}),
                 "field 'tokens.access_token' must be a string", id="wrong-type"),
    pytest.param(json.dumps({"auth_mode": 7}), "field 'auth_mode' must be a string", id="mode-type"),
    pytest.param(" " * (2 << 20), "is larger than 1024 KiB", id="huge"),
])
def test_odd_codex_files_are_invalid_with_a_line_and_untouched(run_cli, cli_env, content, needle):
    path = codex_home(cli_env) / "auth.json"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    result, data = status_json(run_cli)
    row = profile(data, "openai-codex:codex-cli")
    assert row["status"] == "invalid" and needle in row["error"] and row["fix"] == "codex login"
    invoke = run_cli("models", "invoke", "--provider", "openai-codex", "--prompt", "hi")
    assert invoke.returncode == 1 and needle in invoke.stderr and "Traceback" not in invoke.stderr
    assert path.is_dir() if content is None else path.read_text() == content
    assert_clean(result)


# --------------------------------------------------------------------------- usage (seed 004)


def test_usage_line_from_the_usage_endpoint(run_cli, state_dir, cli_env, oauth, backend):
    """Seed 004's line, written the way OpenClaw writes it: a 5-hour and a 1-day window."""
    providers_toml(state_dir, oauth, usage_url=backend.usage_url)
    write_config(state_dir)
    tokens = oauth.mint_tokens(access_ttl=10 * DAY)
    from tests.e2e.test_models import write_credential

    write_credential(state_dir, "openai-codex", {"provider": "openai-codex", "type": "oauth",
                                                 "access_token": tokens["access_token"],
                                                 "refresh_token": tokens["refresh_token"],
                                                 "id_token": tokens["id_token"]})
    backend.usage(200, usage_body(primary_used=0, primary_reset_after=4 * 3600 + 59 * 60 + 50, secondary_used=47,
                                  secondary_seconds=DAY, secondary_reset_after=2 * DAY + 15 * 3600 + 1800))
    result = run_cli("models", "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    heading = lines.index("OAuth/token status")
    assert lines[heading + 1] == "openai-codex usage: 5h 100% left ⏱4h 59m · Day 53% left ⏱2d 15h"
    request = backend.seen("/backend-api/wham/usage")[-1]
    assert request["method"] == "GET"
    assert request["headers"]["authorization"] == f"Bearer {tokens['access_token']}"
    assert request["headers"]["chatgpt-account-id"] == "acct_test"
    backend.usage(200, usage_body(primary_used=12.5, primary_reset_after=4 * 3600 + 59 * 60 + 50, secondary_used=47,
                                  secondary_seconds=7 * DAY, secondary_reset_after=3 * DAY + 3600 + 50))
    data = json.loads(run_cli("models", "status", "--json").stdout)
    usage = data["usage"]["openai-codex"]
    assert usage["status"] == "ok" and usage["profile"] == "openai-codex:default" and usage["plan"] == "plus"
    assert [w["label"] for w in usage["windows"]] == ["5h", "Week"]
    assert [w["left_percent"] for w in usage["windows"]] == [87.5, 53.0]
    assert usage["windows"][1]["window_seconds"] == 7 * DAY
    assert usage["summary"] == "5h 88% left ⏱4h 59m · Week 53% left ⏱3d 1h"  # 87.5 rounds up, as toFixed(0)
    assert tokens["access_token"] not in json.dumps(data)


@pytest.mark.parametrize("reply, reason", [
    ({"status": 401, "body": {"detail": "Unauthorized"}}, "the sign-in was not accepted: HTTP 401"),
    ({"status": 500, "body": {"detail": "boom"}}, "HTTP 500"),
    ({"status": 200, "body": b"<html>captive portal</html>", "content_type": "text/html"},
     "HTTP 200 with an HTML page instead of JSON"),
    ({"status": 200, "body": {"rate_limit": {"primary_window": {"used_percent": "lots"}}}},
     "unexpected answer: primary_window.used_percent is not a number"),
    ({"status": 200, "body": usage_body(), "delay": 6}, "no answer within 2 s"),
    ({"status": 200, "body": usage_body(), "trickle": 0.05}, "no answer within 2 s"),
])
def test_usage_unavailable_never_changes_the_exit_code(run_cli, state_dir, cli_env, oauth, backend, reply, reason):
    providers_toml(state_dir, oauth, usage_url=backend.usage_url)
    write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * DAY))
    backend.usage(reply["status"], reply["body"], content_type=reply.get("content_type", "application/json"),
                  delay=reply.get("delay", 0), trickle=reply.get("trickle", 0))
    started = time.monotonic()
    result = run_cli("models", "status", "--check")
    assert time.monotonic() - started < 5.0  # the 2 s deadline is a total: a trickling server cannot hold us
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert f"openai-codex usage: unavailable ({reason})" in result.stdout
    data = json.loads(run_cli("models", "status", "--json").stdout)
    assert data["usage"]["openai-codex"]["status"] == "unavailable" and data["check"] == 0


def test_usage_with_the_endpoint_down(run_cli, state_dir, cli_env, oauth):
    providers_toml(state_dir, oauth, usage_url=closed_port_url() + "/backend-api/wham/usage")
    write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * DAY))
    result = run_cli("models", "status", "--check")
    assert result.returncode == 0
    assert re.search(r"^openai-codex usage: unavailable \(offline: .+\)$", result.stdout, re.M)


def test_usage_is_never_fetched_by_auth_status_nor_for_an_expired_sign_in(run_cli, state_dir, cli_env, oauth,
                                                                          backend):
    providers_toml(state_dir, oauth, usage_url=backend.usage_url)
    write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * DAY))
    assert run_cli("models", "auth", "status").returncode == 0
    assert run_cli("models", "auth", "status", "--json").returncode == 0
    assert backend.seen("/backend-api/wham/usage") == []
    write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=-60))
    result = run_cli("models", "status")
    assert "openai-codex usage: unavailable (no valid sign-in)" in result.stdout
    assert backend.seen("/backend-api/wham/usage") == []


# --------------------------------------------------------------------------- a revoked refresh token


def test_a_refresh_the_provider_rejects_marks_the_sign_in_revoked(run_cli, state_dir, oauth):
    """The seed's `rt-...` is no refresh token the provider knows: invalid_grant, and status follows."""
    providers_toml(state_dir, oauth)
    path = write_seed_file(state_dir)
    refresh = run_cli("models", "auth", "refresh", "--provider", "openai-codex")
    assert refresh.returncode == 1 and "invalid_grant" in refresh.stderr and LOGIN in refresh.stderr
    stored = json.loads(path.read_text())
    assert stored["refresh_token"] == "rt-..." and stored["access_token"] == "sk-..."  # nothing lost
    assert stored["revoked"]["error"] == "invalid_grant"
    result, data = status_json(run_cli)
    row = profile(data, "openai-codex:default")
    assert (row["status"], row["revoked"], row["refreshable"], row["fix"]) == ("expired", True, False, LOGIN)
    assert "this sign-in was revoked" in row["error"]
    human = run_cli("models", "auth", "status")
    assert re.search(r"openai-codex:default\s+expired\s+revoked", human.stdout)
    assert "refreshes on next use" not in human.stdout and f"fix: {LOGIN}" in human.stdout
    again = run_cli("models", "invoke", "--provider", "openai-codex", "--prompt", "hi")
    assert again.returncode == 1 and "revoked" in again.stderr
    assert oauth.stats["token_refresh"] == 1  # the dead token is not sent again
    assert run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(path)).returncode == 0
    assert profile(status_json(run_cli)[1], "openai-codex:default")["revoked"] is True  # the file says so
    fresh = state_dir.parent / "fresh.json"
    fresh.write_text(future_seed())
    assert run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(fresh)).returncode == 0
    assert profile(status_json(run_cli)[1], "openai-codex:default")["revoked"] is False


def test_a_reused_refresh_token_marks_the_sign_in_revoked(run_cli, state_dir, oauth):
    providers_toml(state_dir, oauth)
    tokens = oauth.mint_tokens(access_ttl=-60)
    body = json.dumps({"client_id": oauth.client_id, "grant_type": "refresh_token",
                       "refresh_token": tokens["refresh_token"]}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{oauth.issuer}/oauth/token", data=body,
                                                  headers={"Content-Type": "application/json"}), timeout=10).close()
    from tests.e2e.test_models import write_credential

    write_credential(state_dir, "openai-codex", {"provider": "openai-codex", "type": "oauth",
                                                 "access_token": tokens["access_token"],
                                                 "refresh_token": tokens["refresh_token"]})
    result = run_cli("models", "invoke", "--provider", "openai-codex", "--prompt", "hi")
    assert result.returncode == 1 and "refresh_token_reused" in result.stderr
    row = profile(status_json(run_cli)[1], "openai-codex:default")
    assert row["revoked"] is True and "refresh_token_reused" in row["error"] and row["fix"] == LOGIN


# --------------------------------------------------------------------------- one naming


def test_names_agree_across_config_status_list_and_json(run_cli, state_dir):
    onboard = run_cli("onboard", "--auth-choice", "openai-api-key", "--token", "env:KEY",
                      env={"KEY": "sk-test-naming-1234"})
    assert onboard.returncode == 0, onboard.stderr
    config = tomllib.loads((state_dir / "openclaw.toml").read_text())["models"]
    assert config["auth_order"] == ["openai-api-key:default"] and config["default"] == "openai/gpt-5.2"
    _, data = status_json(run_cli)
    assert [p["profile"] for p in data["profiles"]][0] == "openai-api-key:default"
    assert profile(data, "openai-api-key:default")["status"] == "static"
    assert data["serving"]["openai-api-key"]["profile"] == config["auth_order"][0]
    human = run_cli("models", "auth", "status").stdout
    assert row_line(human, "openai-api-key:default")
    listed = json.loads(run_cli("models", "list", "--json").stdout)["models"]
    served = next(m for m in listed if m["id"] == config["default"])
    assert served["providers"] == ["openai-api-key"] and served["auth"] == "static"
    for provider in served["providers"] + ["openai"]:  # the provider id and the model family both work
        by_family = run_cli("models", "list", "--provider", provider, "--json")
        assert by_family.returncode == 0, by_family.stderr
        assert {m["id"] for m in json.loads(by_family.stdout)["models"]} == {"openai/gpt-5.2", "openai/gpt-5-mini"}
        status = run_cli("models", "auth", "status", "--provider", provider, "--json")
        assert [p["profile"] for p in json.loads(status.stdout)["profiles"]] == ["openai-api-key:default"]


def test_token_onboarding_and_status_use_one_profile_id(run_cli, state_dir):
    result = run_cli("onboard", "--auth-choice", "token", "--token-provider", "anthropic", "--token", "-",
                     input="sk-ant-oat01-pasted\n")
    assert result.returncode == 0, result.stderr
    order = tomllib.loads((state_dir / "openclaw.toml").read_text())["models"]["auth_order"]
    _, data = status_json(run_cli)
    assert order == ["anthropic:default"] and [p["profile"] for p in data["profiles"]][0] == order[0]


def test_invoke_uses_the_configured_default_model_and_its_provider(run_cli, state_dir, backend):
    providers_toml(state_dir, responses_url=backend.responses_url)
    write_config(state_dir, auth_choice="openai-api-key", auth_order=("openai-api-key:default",),
                 default="openai/gpt-5-mini")
    stored = run_cli("models", "auth", "login", "--provider", "openai", input="sk-test-backend-key\n")
    assert stored.returncode == 0, stored.stderr
    result = run_cli("models", "invoke", "--prompt", "defaults", "--json")
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    assert (event["provider"], event["model"], event["text"]) == ("openai-api-key", "gpt-5-mini", "key says: defaults")
    assert json.loads(backend.seen("/v1/responses")[-1]["body"])["model"] == "gpt-5-mini"
    bare = run_cli("models", "invoke", "--prompt", "x", env={"OPENCLAW_CONFIG_PATH": str(state_dir / "none.toml")})
    assert bare.returncode == 2 and "no default model in the config" in bare.stderr


def test_a_key_only_in_the_environment_is_a_static_row_and_serves(run_cli, state_dir, backend):
    providers_toml(state_dir, responses_url=backend.responses_url)
    env = {"OPENAI_API_KEY": "sk-test-backend-key"}
    result, data = status_json(lambda *a: run_cli(*a, env=env))
    row = profile(data, "openai-api-key:env")
    assert (row["status"], row["source"], row["note"]) == ("static", "env:OPENAI_API_KEY", "from environment")
    human = run_cli("models", "auth", "status", env=env)
    assert "$OPENAI_API_KEY (from environment)" in row_line(human.stdout, "openai-api-key:env")
    assert run_cli("models", "auth", "status", "--check", env=env).returncode == 0
    reply = run_cli("models", "invoke", "--model", "openai/gpt-5.2", "--prompt", "env", env=env)
    assert reply.returncode == 0 and reply.stdout.startswith("key says: env"), reply.stderr
    assert_clean(result, "sk-test-backend-key")


# --------------------------------------------------------------------------- storing a key with login


@pytest.mark.parametrize("how", ["stdin", "env", "file"])
def test_login_stores_an_api_key_by_reference(run_cli, state_dir, tmp_path, how):
    key = "sk-ant-api03-login-test"
    args, env, stdin = ["--provider", "anthropic-api-key"], {}, ""
    if how == "stdin":
        stdin = key + "\n"
    elif how == "env":
        args += ["--key", "env:MY_KEY"]
        env["MY_KEY"] = key
    else:
        (tmp_path / "key.txt").write_text(key + "\n")
        args += ["--key", f"@{tmp_path / 'key.txt'}"]
    result = run_cli("models", "auth", "login", *args, "--json", input=stdin, env=env)
    assert result.returncode == 0, result.stderr
    event = json_lines(result.stdout)[-1]
    assert event["event"] == "stored" and event["profile"]["profile"] == "anthropic-api-key:default"
    path = state_dir / "credentials" / "anthropic-api-key.json"
    assert json.loads(path.read_text())["access_token"] == key and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert_clean(result, key)


@pytest.mark.parametrize("args, stdin, needle", [
    (["--key", "sk-literal-on-argv"], "", "secrets are taken by reference so they never show in `ps`"),
    ([], "", "no OpenAI API key given"),
    ([], "not-a-key\n", "an OpenAI API key starts with sk-"),
    ([], "sk-two words\n", "must be a single token"),
    (["--key", "env:NOT_SET_ANYWHERE"], "", "environment variable NOT_SET_ANYWHERE is not set"),
])
def test_login_refuses_bad_keys_and_writes_nothing(run_cli, state_dir, args, stdin, needle):
    result = run_cli("models", "auth", "login", "--provider", "openai-api-key", *args, input=stdin)
    assert result.returncode == 2 and needle in result.stderr and "Traceback" not in result.stderr
    assert not (state_dir / "credentials" / "openai-api-key.json").exists()
    assert "sk-literal-on-argv" not in result.stderr


def test_login_with_a_key_never_replaces_a_sign_in(run_cli, state_dir):
    from tests.e2e.test_models import codex_record, write_credential

    path = write_credential(state_dir, "anthropic", {**codex_record(DAY), "provider": "anthropic"})
    before = path.read_bytes()
    result = run_cli("models", "auth", "login", "--provider", "anthropic", input="sk-ant-oat-x\n")
    assert result.returncode == 2 and "sign out first" in result.stderr
    assert path.read_bytes() == before


def test_login_for_a_sign_in_provider_refuses_a_key(run_cli):
    result = run_cli("models", "auth", "login", "--provider", "openai-codex", "--key", "env:X", env={"X": "k"})
    assert result.returncode == 2 and "--key is for API keys and tokens" in result.stderr


def test_the_alias_is_accepted_by_every_provider_flag(run_cli, state_dir):
    for command in (("models", "auth", "status", "--provider", "openai"), ("models", "list", "--provider", "openai"),
                    ("models", "auth", "logout", "--provider", "openai")):
        result = run_cli(*command)
        assert result.returncode == 0, (command, result.stderr)
        assert "openai-api-key" in result.stdout or "openai/" in result.stdout
    unknown = run_cli("models", "auth", "status", "--provider", "nosuch")
    assert unknown.returncode == 2 and "(also: openai = openai-api-key)" in unknown.stderr

