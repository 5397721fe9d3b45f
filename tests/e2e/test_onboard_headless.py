"""The real `openclaw onboard` as a subprocess, stdin not a TTY, in a temporary state dir."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import json_lines, openclaw_argv, snapshot_files
from tests.support import children

TELEGRAM = "123456789:AAEhBOweik9ad9r_AbCdEfGhIjKlMnOpQrS"
QUICKSTART_ANSWERS = """\
[quickstart]
flow = "quickstart"
accept_risk = true

[channels]
channels = ["telegram"]
telegram_token = { env = "TG_TOKEN" }

[skills]
skills = ["git", "web-search"]

[hooks]
hooks = ["boot-md", "session-memory"]
webhook_url = "https://hooks.example.com/openclaw"

[hatch]
agent_name = "molty"
persona = "Terse and kind."

[authorization]
auth_choice = "skip"
"""


def config_of(state_dir: Path) -> dict:
    return tomllib.loads((state_dir / "openclaw.toml").read_text())


def secrets_of(state_dir: Path) -> dict:
    return json.loads((state_dir / "credentials" / "secrets.json").read_text())["secrets"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_full_quickstart_run_from_answers_file(run_cli, state_dir, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text(QUICKSTART_ANSWERS)
    result = run_cli("onboard", "--answers", str(answers), env={"TG_TOKEN": TELEGRAM})
    assert result.returncode == 0, result.stderr
    assert "running headless (stdin is not a terminal)" in result.stderr
    assert result.stderr.count("[") >= 7 and "[7/7] Authorization" in result.stderr

    config = config_of(state_dir)
    assert config["wizard"] == {"flow": "quickstart", "accepted_risk": True}
    assert config["gateway"] == {"port": 18789, "bind": "loopback", "auth": "token",
                                 "token": {"secret": "gateway.token"}}
    assert config["channels"]["enabled"] == ["telegram"]
    assert config["channels"]["telegram"] == {"paired": True, "token": {"secret": "channels.telegram.token"}}
    assert config["skills"]["enabled"] == ["git", "web-search"]
    assert config["hooks"]["webhook"]["url"] == "https://hooks.example.com/openclaw"
    assert config["agent"]["name"] == "molty"
    assert config["models"]["auth_choice"] == "skip"

    secrets = secrets_of(state_dir)
    assert secrets["channels.telegram.token"] == TELEGRAM
    assert len(secrets["gateway.token"]) >= 32 and len(secrets["hooks.webhook.secret"]) >= 32
    text = (state_dir / "openclaw.toml").read_text()
    for value in secrets.values():
        assert value not in text and value not in result.stderr and value not in result.stdout
    assert mode(state_dir / "credentials" / "secrets.json") == 0o600
    assert mode(state_dir / "credentials") == 0o700
    workspace = Path(config["agent"]["workspace"])
    assert workspace == state_dir / "workspace"
    assert (workspace / "SOUL.md").read_text() == "# Soul\n\nTerse and kind.\n"
    assert {p.name for p in workspace.iterdir()} == {"AGENTS.md", "SOUL.md", "USER.md"}


def test_manual_run_from_flags_and_env(run_cli, state_dir):
    result = run_cli("onboard", "--non-interactive", "--flow", "manual", "--accept-risk",
                     "--gateway-port", "19001", "--gateway-bind", "lan", "--gateway-auth", "token",
                     "--channels", "discord,signal", "--discord-token", "env:DISCORD_SECRET",
                     "--no-hatch", "--auth-choice", "openai-api-key",
                     env={"OPENCLAW_SIGNAL_NUMBER": "+15551234567", "OPENAI_API_KEY": "sk-test-abcdef123456",
                          "DISCORD_SECRET": "MTA1NjY3ODk0NTY3ODk0NTY3.GaBcDe.abcdefghijklmnopqrstuvwxyz0123",
                          "OPENCLAW_SKILLS": "git"})
    assert result.returncode == 0, result.stderr
    config = config_of(state_dir)
    assert config["wizard"]["flow"] == "manual"
    assert config["gateway"]["port"] == 19001 and config["gateway"]["bind"] == "lan"
    assert config["channels"]["enabled"] == ["discord", "signal"]
    assert config["channels"]["signal"]["number"] == "+15551234567"
    assert config["skills"]["enabled"] == ["git"]
    assert "agent" not in config
    assert config["models"] == {"default": "openai/gpt-5.2", "auth_choice": "openai-api-key",
                                "auth_order": ["openai-api-key:default"]}
    credential = json.loads((state_dir / "credentials" / "openai-api-key.json").read_text())
    assert credential["access_token"] == "sk-test-abcdef123456" and credential["type"] == "api_key"
    assert mode(state_dir / "credentials" / "openai-api-key.json") == 0o600
    assert "sk-test-abcdef123456" not in (state_dir / "openclaw.toml").read_text()


def test_flags_beat_env_beat_answers_file(run_cli, state_dir, tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text('[quickstart]\nflow = "manual"\naccept_risk = true\ngateway_port = 1111\n'
                       'gateway_bind = "loopback"\ngateway_auth = "token"\n[authorization]\nauth_choice = "skip"\n')
    result = run_cli("onboard", "--answers", str(answers), "--gateway-port", "3333", "--accept-defaults",
                     env={"OPENCLAW_GATEWAY_PORT": "2222", "OPENCLAW_GATEWAY_BIND": "tailnet"})
    assert result.returncode == 0, result.stderr
    gateway = config_of(state_dir)["gateway"]
    assert gateway["port"] == 3333 and gateway["bind"] == "tailnet"


def test_rerun_keeps_hand_written_comments_and_order(run_cli, state_dir, tmp_path):
    first = run_cli("onboard", "--accept-risk", "--accept-defaults")
    assert first.returncode == 0, first.stderr
    path = state_dir / "openclaw.toml"
    edited = "# my own notes at the top\n" + path.read_text().replace(
        "[gateway]", "[gateway]\n# keep this port: the firewall allows it").replace(
        "[skills]", "[custom]\nanswer = 42  # not the wizard's\n\n[skills]")
    path.write_text(edited)
    second = run_cli("onboard", "--non-interactive", "--step", "skills", "--skills", "git")
    assert second.returncode == 0, second.stderr
    text = path.read_text()
    assert text.startswith("# my own notes at the top\n")
    assert "# keep this port: the firewall allows it" in text
    assert "answer = 42  # not the wizard's" in text
    assert text.replace('enabled = ["git"]', "enabled = []", 1) == edited.replace(
        '[skills]\nenabled = []', '[skills]\nenabled = []')
    assert (state_dir / "openclaw.toml.bak").read_text() == edited
    assert "[4/7] Skills Installation: git" in second.stderr
    assert "[1/7] QuickStart: kept" in second.stderr


def test_unchanged_rerun_writes_nothing(run_cli, state_dir):
    assert run_cli("onboard", "--accept-risk", "--accept-defaults").returncode == 0
    before = snapshot_files(state_dir)
    again = run_cli("onboard", "--non-interactive", "--existing", "update", "--accept-defaults")
    assert again.returncode == 0, again.stderr
    assert snapshot_files(state_dir) == before


def test_existing_keep_goes_to_authorization_and_reset_backs_up(run_cli, state_dir):
    assert run_cli("onboard", "--accept-risk", "--accept-defaults", "--skills", "git").returncode == 0
    original = (state_dir / "openclaw.toml").read_text()
    keep = run_cli("onboard", "--existing", "keep", "--auth-choice", "skip")
    assert keep.returncode == 0, keep.stderr
    assert "[3/7] Channel Selection: kept" in keep.stderr

    reset = run_cli("onboard", "--existing", "reset", "--accept-risk", "--accept-defaults")
    assert reset.returncode == 0, reset.stderr
    backups = list(state_dir.glob("openclaw.toml.*Z.bak"))
    assert len(backups) == 1 and backups[0].read_text() == original
    assert config_of(state_dir)["skills"]["enabled"] == []


def test_dry_run_prints_plan_and_writes_nothing(run_cli, state_dir):
    result = run_cli("onboard", "--dry-run", "--accept-risk", "--accept-defaults", "--json")
    assert result.returncode == 0, result.stderr
    assert list(state_dir.iterdir()) == []
    events = json_lines(result.stdout)
    plan = next(e for e in events if e["event"] == "plan")
    assert "+port = 18789" in plan["diff"]
    assert plan["secrets"] == ["gateway.token"]
    assert events[-1] == {"event": "done", "dry_run": True, "config": str(state_dir / "openclaw.toml"),
                          "written": []}
    assert [e["step"] for e in events if e["event"] == "step"] == [
        "quickstart", "existing", "channels", "skills", "hooks", "hatch", "authorization"]


def test_json_stream_has_no_secrets(run_cli, state_dir):
    result = run_cli("onboard", "--json", "--accept-risk", "--accept-defaults", "--channels", "telegram",
                     "--telegram-token", "-", input=TELEGRAM + "\n")
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    assert events[0] == {"event": "headless", "reason": "--json"}
    assert events[-1]["event"] == "done" and str(state_dir / "openclaw.toml") in events[-1]["written"]
    for value in secrets_of(state_dir).values():
        assert value not in result.stdout and value not in result.stderr


def test_auth_choice_starts_at_authorization_and_keeps_the_rest(run_cli, state_dir, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("sk-ant-api03-secretvalue\n")
    result = run_cli("onboard", "--auth-choice", "anthropic-api-key", "--token-file", str(key_file))
    assert result.returncode == 0, result.stderr
    config = config_of(state_dir)
    assert set(config) == {"models"}
    assert config["models"]["default"] == "anthropic/claude-sonnet-4-5"
    stored = json.loads((state_dir / "credentials" / "anthropic-api-key.json").read_text())
    assert stored["access_token"] == "sk-ant-api03-secretvalue"
    assert "[1/7] QuickStart: kept" in result.stderr


def test_token_choice_reads_stdin(run_cli, state_dir):
    result = run_cli("onboard", "--auth-choice", "token", "--token-provider", "anthropic", "--token", "-",
                     input="sk-ant-oat01-pasted-token\n")
    assert result.returncode == 0, result.stderr
    stored = json.loads((state_dir / "credentials" / "anthropic.json").read_text())
    assert stored["type"] == "token" and stored["access_token"] == "sk-ant-oat01-pasted-token"
    assert config_of(state_dir)["models"]["auth_order"] == ["anthropic:default"]


# --- bad input: exit 2 (or 1), a message naming the problem, nothing changed -----------------------

@pytest.fixture
def existing_state(run_cli, state_dir):
    """A configured state dir with secrets and an API key; returns its byte snapshot."""
    result = run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults",
                     "--auth-choice", "openai-api-key",
                     env={"OPENAI_API_KEY": "sk-original-key-123"})
    assert result.returncode == 0, result.stderr
    assert (state_dir / "credentials" / "openai-api-key.json").exists()
    return snapshot_files(state_dir)


def assert_unchanged(state_dir, before):
    assert snapshot_files(state_dir) == before


def test_missing_answers_are_listed_at_once(run_cli, state_dir):
    result = run_cli("onboard", "--flow", "manual", "--channels", "telegram,slack")
    assert result.returncode == 2
    err = result.stderr
    for key, flag, env in [("quickstart.accept_risk", "--accept-risk", "OPENCLAW_ACCEPT_RISK"),
                           ("quickstart.gateway_port", "--gateway-port", "OPENCLAW_GATEWAY_PORT"),
                           ("channels.telegram_token", "--telegram-token", "OPENCLAW_TELEGRAM_TOKEN"),
                           ("channels.slack_bot_token", "--slack-bot-token", "OPENCLAW_SLACK_BOT_TOKEN"),
                           ("channels.slack_app_token", "--slack-app-token", "OPENCLAW_SLACK_APP_TOKEN"),
                           ("authorization.auth_choice", "--auth-choice", "OPENCLAW_AUTH_CHOICE")]:
        line = next((ln for ln in err.splitlines() if ln.strip().startswith(key + ":")), None)
        assert line is not None, f"{key} not listed in:\n{err}"
        assert flag in line and env in line and f"[{key.split('.')[0]}] {key.split('.')[1]}" in line
    assert "8 answers are missing" in err and "Traceback" not in err
    assert list(state_dir.iterdir()) == []


def test_missing_secret_with_existing_config_changes_nothing(run_cli, state_dir, existing_state):
    result = run_cli("onboard", "--existing", "update", "--accept-defaults", "--channels", "telegram")
    assert result.returncode == 2
    assert "channels.telegram_token: Telegram bot token - give it with --telegram-token" in result.stderr
    assert_unchanged(state_dir, existing_state)


@pytest.mark.parametrize("args,expected", [
    (["--step", "bogus"], "valid steps: quickstart, existing, channels, skills, hooks, hatch, authorization"),
    (["--auth-choice", "bogus"], "must be one of: openai-codex, openai-api-key, anthropic-api-key, token, skip"),
    (["--accept-defaults", "--gateway-port", "99999", "--flow", "manual", "--accept-risk"],
     "quickstart.gateway_port (--gateway-port): must be a port number between 1 and 65535, got 99999"),
    (["--accept-defaults", "--accept-risk", "--existing", "update", "--channels", "telegram",
      "--telegram-token", "env:BAD_TG"], "channels.telegram_token (--telegram-token): a Telegram bot token looks like"),
    (["--accept-defaults", "--accept-risk", "--webhook-url", "/relative/hook"],
     "hooks.webhook_url (--webhook-url): must be an absolute http(s) URL"),
    (["--accept-defaults", "--accept-risk", "--channels", "telegram", "--telegram-token", "123:literal"],
     "secrets are taken by reference"),
    (["--accept-defaults", "--accept-risk", "--skills", "git,nope"], "unknown: nope"),
])
def test_bad_values_exit_2_and_change_nothing(run_cli, state_dir, existing_state, args, expected):
    result = run_cli("onboard", *args, env={"BAD_TG": "not-a-token"})
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert_unchanged(state_dir, existing_state)


def test_malformed_answers_file_names_line_and_column(run_cli, state_dir, existing_state, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[quickstart]\nflow = "quickstart"\naccept_risk = tru\n')
    result = run_cli("onboard", "--answers", str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "line 3" in result.stderr and "column" in result.stderr
    assert_unchanged(state_dir, existing_state)


def test_answers_file_unknown_keys_and_literal_secrets(run_cli, state_dir, existing_state, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[quickstart]\nflw = "manual"\n[channels]\ntelegram_token = "123:abc"\n[nonsense]\nx = 1\n')
    result = run_cli("onboard", "--answers", str(bad))
    assert result.returncode == 2
    assert "unknown key [quickstart] flw" in result.stderr
    assert "unknown table [nonsense]" in result.stderr
    assert "secrets go by reference" in result.stderr and "123:abc" not in result.stderr
    assert_unchanged(state_dir, existing_state)


def test_invalid_existing_config_is_left_untouched(run_cli, state_dir):
    path = state_dir / "openclaw.toml"
    path.write_bytes(b"[gateway]\nport = = 1\n")
    result = run_cli("onboard", "--accept-risk", "--accept-defaults")
    assert result.returncode == 2
    assert str(path) in result.stderr and "line 2" in result.stderr and "was not changed" in result.stderr
    assert path.read_bytes() == b"[gateway]\nport = = 1\n"
    assert sorted(p.name for p in state_dir.iterdir()) == ["openclaw.toml"]


def test_unwritable_state_dir_exits_1_with_path_and_reason(run_cli, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state dir's parent should be")
    target = blocker / "state"
    result = run_cli("onboard", "--accept-risk", "--accept-defaults", env={"OPENCLAW_STATE_DIR": str(target)})
    assert result.returncode == 1
    assert str(target) in result.stderr and "Not a directory" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_mid_run_exits_130_and_writes_nothing(cli_env, state_dir, existing_state, tmp_path, sig):
    # The key comes from a FIFO: once the CLI has opened it, it is mid-run, blocked reading the answers.
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    proc = children.popen(openclaw_argv("onboard", "--auth-choice", "anthropic-api-key", "--token", f"@{fifo}"),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=cli_env, cwd=tmp_path, text=True)
    writer = None
    try:
        writer = _open_when_read(fifo, deadline=time.monotonic() + 20)
        _wait_until_blocked_reading(proc.pid, deadline=time.monotonic() + 20)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=10)
    finally:
        if writer is not None:
            os.close(writer)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "nothing was written" in err and "Traceback" not in err
    assert_unchanged(state_dir, existing_state)


def _wait_until_blocked_reading(pid: int, deadline: float) -> None:
    """Until the kernel has the process asleep in a pipe read.

    A signal that lands between the FIFO's open and the read is handled at the next bytecode, which
    only comes after the read returns (CPython defers Python-level handlers): the test would hang on
    its own timing, not on the CLI's behaviour."""
    wchan = Path(f"/proc/{pid}/wchan")
    if not wchan.exists() or wchan.read_text() == "0":  # no wchan here (another OS, a sandboxed kernel)
        time.sleep(0.5)
        return
    while "pipe" not in wchan.read_text():
        if time.monotonic() > deadline:
            raise AssertionError(f"the CLI never blocked reading the FIFO (wchan {wchan.read_text()!r})")
        time.sleep(0.01)


def _open_when_read(fifo: Path, deadline: float) -> int:
    """Open the FIFO for writing as soon as a reader has it open (ENXIO until then)."""
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


# --- answers are never dropped silently, and one report lists every problem --------------------------

def test_answers_that_would_be_ignored_are_an_error(run_cli, state_dir):
    result = run_cli("onboard", "--accept-risk", "--accept-defaults", "--flow", "quickstart",
                     "--gateway-port", "9999")
    assert result.returncode == 2
    assert ("quickstart.gateway_port (--gateway-port): not used, it is asked only when flow is manual "
            "(QuickStart takes the gateway defaults)") in result.stderr
    assert list(state_dir.iterdir()) == []

    focused = run_cli("onboard", "--step", "hooks", "--hooks", "boot-md", "--skills", "git")
    assert focused.returncode == 2
    assert ("skills.skills (--skills): not used, this run opens on hooks only (--step hooks), so the skills step "
            "keeps the config's values") in focused.stderr


def test_missing_and_invalid_answers_come_in_one_report(run_cli, state_dir):
    result = run_cli("onboard", "--accept-risk", "--accept-defaults", "--channels", "telegram,bogus",
                     "--gateway-port", "nope")
    assert result.returncode == 2
    err = result.stderr
    assert "1 answer is missing and 2 are not valid" in err
    assert "--accept-defaults" not in err.split("hint:")[1]  # it was given: no point suggesting it
    assert "channels.telegram_token: Telegram bot token - give it with" in err
    assert "channels.channels (--channels): unknown: bogus" in err
    assert "quickstart.gateway_port (--gateway-port): must be a port number" in err


def test_auth_choice_with_accept_risk_still_goes_straight_to_sign_in(run_cli, state_dir):
    result = run_cli("onboard", "--auth-choice", "skip", "--accept-risk")
    assert result.returncode == 0, result.stderr
    assert "[1/7] QuickStart: kept" in result.stderr
    assert set(config_of(state_dir)) == {"models"}


@pytest.mark.parametrize("how", ["env", "file"])
def test_provider_api_key_env_works_whatever_gives_the_choice(run_cli, state_dir, tmp_path, how):
    env = {"OPENAI_API_KEY": "sk-from-the-environment"}
    if how == "env":
        env["OPENCLAW_AUTH_CHOICE"] = "openai-api-key"
        args = ("onboard", "--step", "authorization")
    else:
        answers = tmp_path / "a.toml"
        answers.write_text('[authorization]\nauth_choice = "openai-api-key"\n')
        args = ("onboard", "--step", "authorization", "--answers", str(answers))
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    stored = json.loads((state_dir / "credentials" / "openai-api-key.json").read_text())
    assert stored["access_token"] == "sk-from-the-environment"


def test_provider_api_key_env_works_when_the_choice_comes_from_the_config(run_cli, state_dir):
    first = run_cli("onboard", "--auth-choice", "openai-api-key", env={"OPENAI_API_KEY": "sk-first-key-000"})
    assert first.returncode == 0, first.stderr
    (state_dir / "credentials" / "openai-api-key.json").unlink()
    again = run_cli("onboard", "--step", "authorization", env={"OPENAI_API_KEY": "sk-second-key-111"})
    assert again.returncode == 0, again.stderr
    stored = json.loads((state_dir / "credentials" / "openai-api-key.json").read_text())
    assert stored["access_token"] == "sk-second-key-111"


def test_skip_contradicting_the_start_step_is_an_error(run_cli, state_dir):
    result = run_cli("onboard", "--skip", "authorization", "--auth-choice", "openai-codex")
    assert result.returncode == 2
    assert "--skip authorization contradicts starting at authorization" in result.stderr


def test_replayed_answers_with_existing_and_keep_work_on_a_fresh_machine(run_cli, state_dir, signed_in, tmp_path):
    saved = tmp_path / "saved.toml"
    assert run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults").returncode == 0
    result = run_cli("onboard", "--existing", "update", "--accept-risk", "--accept-defaults", "--flow", "quickstart",
                     "--auth-choice", "openai-codex", "--save-answers", str(saved))
    assert result.returncode == 0, result.stderr
    text = saved.read_text()
    assert "[existing]" in text and 'method = "keep"' not in text
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "credentials").mkdir()
    (fresh / "credentials" / "openai-codex.json").write_bytes(signed_in)
    (fresh / "providers.toml").write_bytes((state_dir / "providers.toml").read_bytes())
    replay = run_cli("onboard", "--answers", str(saved), env={"OPENCLAW_STATE_DIR": str(fresh)})
    assert replay.returncode == 0, replay.stderr
    assert "keep current sign-in" in replay.stderr


def test_missing_api_key_names_the_provider_variable(run_cli, state_dir):
    result = run_cli("onboard", "--auth-choice", "anthropic-api-key")
    assert result.returncode == 2
    assert ("authorization.token: API key or token - give it with --token (or --token-file), "
            "env OPENCLAW_TOKEN or ANTHROPIC_API_KEY") in result.stderr


# --- finishing: nothing half-written, nothing else touched ------------------------------------------

def test_workspace_inside_a_file_is_refused_before_anything_is_written(run_cli, state_dir, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    result = run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults",
                     "--workspace", str(blocker / "ws"))
    assert result.returncode == 2
    assert f"hatch.workspace (--workspace): {blocker} is a file, so {blocker / 'ws'} cannot be created" in result.stderr
    assert list(state_dir.iterdir()) == []


def test_config_path_elsewhere_keeps_its_directory_mode(run_cli, state_dir, tmp_path):
    shared = tmp_path / "etc-openclaw"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    result = run_cli("onboard", "--auth-choice", "skip", env={"OPENCLAW_CONFIG_PATH": str(shared / "gw.toml")})
    assert result.returncode == 0, result.stderr
    assert mode(shared) == 0o755
    assert mode(shared / "gw.toml") == 0o600 and mode(state_dir) == 0o700


def test_save_answers_to_a_bad_path_fails_before_the_config_is_written(run_cli, state_dir, tmp_path):
    result = run_cli("onboard", "--auth-choice", "skip", "--save-answers", str(tmp_path / "no" / "such" / "a.toml"))
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "No such file or directory" in result.stderr
    assert not (state_dir / "openclaw.toml").exists()


def test_corrupt_secrets_file_stops_only_runs_that_store_secrets(run_cli, state_dir):
    (state_dir / "credentials").mkdir(mode=0o700)
    broken = state_dir / "credentials" / "secrets.json"
    broken.write_text("{not json")
    result = run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults")
    assert result.returncode == 1
    assert "secrets.json is not valid JSON" in result.stderr and "fix or move the file" in result.stderr
    assert broken.read_text() == "{not json"
    assert not (state_dir / "openclaw.toml").exists()

    key_only = run_cli("onboard", "--auth-choice", "openai-api-key", env={"OPENAI_API_KEY": "sk-still-works-123"})
    assert key_only.returncode == 0, key_only.stderr  # stores no secret: the broken file does not matter
    assert broken.read_text() == "{not json"


def test_pair_later_notes_each_channel_once_and_drops_old_token_refs(run_cli, state_dir):
    first = run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults", "--channels", "slack",
                    "--slack-bot-token", "env:B", "--slack-app-token", "env:A",
                    env={"B": "xoxb-1234567890-abcdef", "A": "xapp-1234567890-abcdef"})
    assert first.returncode == 0, first.stderr
    again = run_cli("onboard", "--step", "channels", "--channels", "slack", "--pair-later")
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("slack: pair later") == 1
    assert config_of(state_dir)["channels"]["slack"] == {"paired": False}


# --- a stored ChatGPT sign-in is kept, never replaced by accident -----------------------------------

@pytest.fixture
def signed_in(run_cli, oauth, point_codex_at, state_dir, tmp_path):
    from wizard.auth import oauth as oauth_client

    point_codex_at(oauth)
    record = oauth_client.credential_record("openai-codex", oauth.mint_tokens(access_ttl=3600))
    source = tmp_path / "cred.json"
    source.write_text(json.dumps(record))
    assert run_cli("models", "auth", "import", "--provider", "openai-codex", "--file", str(source)).returncode == 0
    return (state_dir / "credentials" / "openai-codex.json").read_bytes()


def test_rerun_keeps_the_stored_chatgpt_sign_in(run_cli, state_dir, signed_in, oauth):
    result = run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults",
                     "--auth-choice", "openai-codex", timeout=20)
    assert result.returncode == 0, result.stderr
    assert "Sign in with ChatGPT (keep current sign-in)" in result.stderr
    assert "https://" not in result.stderr and oauth.stats["authorize"] == 0
    assert (state_dir / "credentials" / "openai-codex.json").read_bytes() == signed_in
    assert config_of(state_dir)["models"]["auth_choice"] == "openai-codex"


def test_keep_is_not_offered_without_a_sign_in(run_cli, state_dir):
    result = run_cli("onboard", "--auth-choice", "openai-codex", "--method", "keep")
    assert result.returncode == 2
    assert ("authorization.method (--method): keep needs a stored ChatGPT sign-in and there is none; "
            "choose browser, device or paste") in result.stderr


def test_pasted_token_never_replaces_a_sign_in(run_cli, state_dir, signed_in):
    result = run_cli("onboard", "--auth-choice", "token", "--token-provider", "openai-codex", "--token", "-",
                     input="pasted-access-token\n")
    assert result.returncode == 2
    assert "openai-codex already has a sign-in, which a pasted token would replace" in result.stderr
    assert (state_dir / "credentials" / "openai-codex.json").read_bytes() == signed_in


def test_skip_leaves_steps_as_the_config_has_them(run_cli, state_dir):
    assert run_cli("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults",
                   "--skills", "git").returncode == 0
    before = config_of(state_dir)
    result = run_cli("onboard", "--accept-defaults", "--skip", "skills,hatch", "--hooks", "boot-md")
    assert result.returncode == 0, result.stderr
    assert "[4/7] Skills Installation: skipped" in result.stderr
    after = config_of(state_dir)
    assert after["skills"] == before["skills"] and after["agent"] == before["agent"]
    assert after["hooks"]["enabled"] == ["boot-md"]

    bad = run_cli("onboard", "--skip", "nope")
    assert bad.returncode == 2 and "valid steps: quickstart, existing" in bad.stderr

    unused = run_cli("onboard", "--accept-defaults", "--skip", "skills", "--skills", "tmux")
    assert unused.returncode == 2
    assert "the skills step is skipped (--skip); drop it, or do not skip skills" in unused.stderr


def test_tui_without_a_terminal_is_a_clear_error_not_a_hang(run_cli, state_dir):
    result = run_cli("onboard", "--tui", timeout=20)
    assert result.returncode == 2
    assert "--tui needs a terminal, but stdin is not a terminal" in result.stderr
    assert "OPENCLAW_NO_TTY_CHECK=1" in result.stderr
    assert list(state_dir.iterdir()) == []


def test_no_tty_check_env_never_stops_a_headless_run(run_cli, state_dir):
    result = run_cli("onboard", "--auth-choice", "skip", env={"OPENCLAW_NO_TTY_CHECK": "1"})
    assert result.returncode == 0, result.stderr
    assert "running headless (stdin is not a terminal)" in result.stderr


@pytest.mark.parametrize("reference", ["answers-file", "flag"])
def test_a_secret_file_under_an_unknown_users_home_is_a_clear_error(run_cli, state_dir, tmp_path, reference):
    """`~0/key` names the home of a user that does not exist: Path.expanduser raised RuntimeError (a traceback)."""
    answers = tmp_path / "answers.toml"
    answers.write_text('[authorization]\nauth_choice = "openai-api-key"\ntoken = { file = "~0/key" }\n')
    args = ["--answers", str(answers)] if reference == "answers-file" else [
        "--auth-choice", "openai-api-key", "--token", "@~0/key"]
    before = snapshot_files(state_dir)
    result = run_cli("onboard", "--accept-risk", *args)
    assert result.returncode == 2, result.stderr
    assert "authorization.token" in result.stderr and "cannot expand '~0'" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot_files(state_dir) == before
