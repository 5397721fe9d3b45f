"""`openclaw onboard --auth-choice openai-codex` headless: the wizard's Authorization step signs in for real."""

from __future__ import annotations

import json
import stat
import tomllib
import urllib.error

from tests.conftest import snapshot_files
from tests.e2e.test_signin import OPENER, Login


def test_onboard_auth_choice_codex_signs_in_and_writes_only_models(spawn_cli, oauth, point_codex_at, state_dir):
    point_codex_at(oauth)
    login = Login(spawn_cli("onboard", "--auth-choice", "openai-codex", "--no-browser"))
    url = login.authorize_url()
    with OPENER.open(oauth.authorize(url), timeout=10) as page:
        assert page.status == 200
    code, out, err = login.finish()
    assert code == 0, err
    config = tomllib.loads((state_dir / "openclaw.toml").read_text())
    assert set(config) == {"models"}
    assert config["models"] == {"default": "openai-codex/gpt-5.2", "auth_choice": "openai-codex",
                                "auth_order": ["openai-codex:default", "openai-codex:codex-cli"]}
    record = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert record["email"] == "dev@example.com" and record["refresh_token"]
    assert stat.S_IMODE((state_dir / "credentials" / "openai-codex.json").stat().st_mode) == 0o600
    assert "[7/7] Authorization: Sign in with ChatGPT (browser)" in err
    assert record["access_token"] not in err + out and record["refresh_token"] not in err + out


def test_onboard_device_method_streams_json_events(spawn_cli, oauth, point_codex_at, state_dir):
    point_codex_at(oauth)
    proc = spawn_cli("onboard", "--auth-choice", "openai-codex", "--method", "device", "--json")
    first = json.loads(proc.stdout.readline())
    assert first == {"event": "headless", "reason": "--json"}
    events = [first]
    while True:
        line = proc.stdout.readline()
        assert line, "stream ended early"
        event = json.loads(line)
        events.append(event)
        if event["event"] == "device_code":
            oauth.approve_device(event["user_code"])
        if event["event"] in ("done", "error"):
            break
    assert proc.wait(timeout=10) == 0
    names = [e["event"] for e in events]
    assert names.index("step") < names.index("device_code") < names.index("signed_in") < names.index("done")
    assert oauth.stats["token_authorization_code"] == 1
    record = json.loads((state_dir / "credentials" / "openai-codex.json").read_text())
    assert record["access_token"] not in json.dumps(events)


def test_onboard_sign_in_failure_writes_no_config(spawn_cli, oauth, point_codex_at, state_dir):
    point_codex_at(oauth)
    before = snapshot_files(state_dir)
    oauth.deny_next_authorize("access_denied", "Your workspace does not allow Codex")
    login = Login(spawn_cli("onboard", "--auth-choice", "openai-codex", "--no-browser"))
    location = oauth.authorize(login.authorize_url())
    try:
        OPENER.open(location, timeout=10).read()
    except urllib.error.HTTPError as page:
        assert page.code == 400
    code, out, err = login.finish()
    assert code == 1
    assert "Your workspace does not allow Codex" in err
    assert snapshot_files(state_dir) == before


def test_an_unusable_secrets_file_stops_before_the_browser_opens(run_cli, oauth, point_codex_at, state_dir):
    """The machine's pre-check runs before the sign-in phase (as in the TUI): no URL, no listener, nothing stored."""
    point_codex_at(oauth)
    (state_dir / "credentials").mkdir(mode=0o700)
    (state_dir / "credentials" / "secrets.json").mkdir()  # unreadable as a file, whoever runs the tests
    before = snapshot_files(state_dir)
    result = run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults",
                     "--auth-choice", "openai-codex", "--method", "paste", "--json", timeout=30)
    assert result.returncode == 1, result.stderr
    assert "secrets.json" in result.stderr and "cannot read" in result.stderr
    events = [json.loads(line)["event"] for line in result.stdout.splitlines()]
    assert "authorize_url" not in events and events[-1] == "error"
    assert oauth.stats["authorize"] == 0
    assert snapshot_files(state_dir) == before


def test_a_credentials_dir_that_is_a_file_stops_before_the_browser_opens(run_cli, oauth, point_codex_at,
                                                                          state_dir):
    point_codex_at(oauth)
    (state_dir / "credentials").write_text("not a directory")
    result = run_cli("onboard", "--auth-choice", "openai-codex", "--method", "paste", timeout=30)
    assert result.returncode == 1, result.stderr
    assert "not a directory" in result.stderr and "https://" not in result.stderr
    assert oauth.stats["authorize"] == 0 and not (state_dir / "openclaw.toml").exists()
