"""Headless runs that used to end in a dead end, run with the real `openclaw onboard` in a temporary state dir.

Stored values count as answers; answers for a skipped Authorization are set aside with a note; every key
has one problem in the report, with words that fit it; a failed sign-in says how to finish the rest.
"""

from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path

from tests.conftest import ROOT, json_lines, snapshot_files

SIGNAL_CONFIG = '[channels]\nenabled = ["signal"]\n\n[channels.signal]\nnumber = "+15551234567"\n'
TELEGRAM = "123456789:AAEhBOweik9ad9r_AbCdEfGhIjKlMnOpQrS"


def readme_answers_file() -> str:
    """The answers file README.md shows, verbatim."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Answers file", 1)[1]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)


def config_of(state_dir: Path) -> dict:
    return tomllib.loads((state_dir / "openclaw.toml").read_text())


def report_lines(stderr: str, key: str) -> list[str]:
    return [line for line in stderr.splitlines() if key in line]


# --------------------------------------------------------------------------- stored values are answers

def test_step_run_keeps_the_stored_signal_number(run_cli, state_dir):
    (state_dir / "openclaw.toml").write_text(SIGNAL_CONFIG)
    result = run_cli("onboard", "--step", "channels", "--non-interactive")
    assert result.returncode == 0, result.stderr
    assert "missing" not in result.stderr
    assert "[3/7] Channel Selection: signal" in result.stderr
    assert config_of(state_dir)["channels"] == {"enabled": ["signal"], "signal": {"number": "+15551234567"}}


def test_step_run_with_a_new_number_replaces_the_stored_one(run_cli, state_dir):
    (state_dir / "openclaw.toml").write_text(SIGNAL_CONFIG)
    result = run_cli("onboard", "--step", "channels", "--non-interactive", "--signal-number", "+4915112345678")
    assert result.returncode == 0, result.stderr
    assert config_of(state_dir)["channels"]["signal"] == {"number": "+4915112345678"}


def test_a_stored_value_that_is_not_valid_is_named_with_the_config_as_its_source(run_cli, state_dir):
    (state_dir / "openclaw.toml").write_text(SIGNAL_CONFIG.replace("+15551234567", "call me"))
    before = snapshot_files(state_dir)
    result = run_cli("onboard", "--step", "channels", "--non-interactive")
    assert result.returncode == 2
    lines = report_lines(result.stderr, "channels.signal_number")
    assert lines == ["  channels.signal_number (openclaw.toml): must be a phone number with its country code, "
                     "like +1 555 123 4567"]
    assert snapshot_files(state_dir) == before


def test_adding_signal_without_a_stored_number_still_asks_for_one(run_cli, state_dir):
    (state_dir / "openclaw.toml").write_text('[channels]\nenabled = []\n')
    result = run_cli("onboard", "--step", "channels", "--non-interactive", "--channels", "signal")
    assert result.returncode == 2
    assert "channels.signal_number: Signal phone number - give it with --signal-number" in result.stderr


# --------------------------------------------------------------------------- a skipped Authorization

def test_readme_answers_file_with_auth_choice_skip_finishes_with_notes(run_cli, state_dir, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text(readme_answers_file())
    assert 'method = "device"' in answers.read_text() and 'model = "openai-codex/gpt-5.2"' in answers.read_text()
    result = run_cli("onboard", "--answers", str(answers), "--auth-choice", "skip", "--json",
                     env={"TELEGRAM_BOT_TOKEN": TELEGRAM})
    assert result.returncode == 0, result.stderr
    assert "note: authorization.method (answers.toml [authorization] method) is not used: Authorization is " \
           "skipped (auth_choice is skip)" in result.stderr
    assert "note: authorization.model (answers.toml [authorization] model) is not used" in result.stderr
    notes = [e["message"] for e in json_lines(result.stdout) if e["event"] == "note"]
    assert len(notes) == 2 and all("Authorization is skipped" in n for n in notes)
    config = config_of(state_dir)
    assert config["models"] == {"auth_choice": "skip"}
    assert config["channels"]["signal"]["number"] == "+15551234567"
    assert config["gateway"]["port"] == 18789


def test_answers_for_a_chosen_sign_in_that_do_not_apply_are_still_an_error(run_cli, state_dir):
    # Not skipped: a token for openai-codex is an answer that would be dropped, so it is refused.
    result = run_cli("onboard", "--accept-risk", "--accept-defaults", "--auth-choice", "openai-api-key",
                     "--method", "device", env={"OPENAI_API_KEY": "sk-test-abcdef123456"})
    assert result.returncode == 2
    assert ("authorization.method (--method): not used, it is asked when auth_choice is openai-codex; drop it or "
            "change that answer") in result.stderr


# --------------------------------------------------------------------------- one problem per key, fitting words

def test_a_literal_telegram_token_is_reported_once(run_cli, state_dir):
    result = run_cli("onboard", "--non-interactive", "--accept-risk", "--channels", "telegram",
                     "--telegram-token", "123456:not-by-reference", "--auth-choice", "skip")
    assert result.returncode == 2
    lines = report_lines(result.stderr, "telegram_token")
    assert len(lines) == 1 and "secrets are taken by reference" in lines[0], result.stderr
    assert "missing" not in result.stderr


def test_a_telegram_token_from_an_unset_env_reference_is_reported_once(run_cli, state_dir, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text(readme_answers_file())
    result = run_cli("onboard", "--answers", str(answers), "--auth-choice", "skip")
    assert result.returncode == 2
    lines = report_lines(result.stderr, "telegram_token")
    assert lines == ["  channels.telegram_token (answers.toml [channels] telegram_token): environment variable "
                     "TELEGRAM_BOT_TOKEN is not set"], result.stderr
    assert result.stderr.splitlines()[1].startswith("error: 1 answer is not valid")


def test_a_malformed_telegram_token_is_reported_once_with_its_format(run_cli, state_dir, tmp_path):
    token_file = tmp_path / "tg.token"
    token_file.write_text("not-a-bot-token\n")
    result = run_cli("onboard", "--non-interactive", "--accept-risk", "--channels", "telegram",
                     "--telegram-token", f"@{token_file}", "--auth-choice", "skip")
    assert result.returncode == 2
    lines = report_lines(result.stderr, "telegram_token")
    assert len(lines) == 1 and "looks like 123456789:AAE" in lines[0]


def test_each_unused_answer_says_when_it_would_be_asked(run_cli, state_dir):
    result = run_cli("onboard", "--non-interactive", "--accept-risk", "--channels", "signal",
                     "--signal-number", "+15551234567", "--telegram-token", "env:TG", "--no-hatch",
                     "--agent-name", "molty", "--gateway-port", "9999", "--auth-choice", "skip", env={"TG": TELEGRAM})
    assert result.returncode == 2
    expected = {
        "channels.telegram_token": "it is asked when channels include telegram and pair_later is not set",
        "hatch.agent_name": "it is asked unless hatch is false (hatch later)",
        "quickstart.gateway_port": "it is asked only when flow is manual",
    }
    for key, words in expected.items():
        lines = report_lines(result.stderr, key)
        assert len(lines) == 1 and words in lines[0], (key, result.stderr)
    assert result.stderr.count("--flow manual") == 0  # no example borrowed from another key


def test_every_conditional_field_says_when_it_is_asked():
    from wizard import steps
    from wizard.steps.base import always

    unexplained = [f.id for f in steps.all_fields() if f.applies is not always and not f.applies_when]
    assert unexplained == []


# --------------------------------------------------------------------------- a failed sign-in

def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again at once: nothing listens there


def test_a_sign_in_that_fails_on_the_network_names_auth_choice_skip(run_cli, state_dir, tmp_path):
    (state_dir / "providers.toml").write_text(f'[providers.openai-codex]\nissuer = "http://127.0.0.1:{dead_port()}"\n')
    answers = tmp_path / "answers.toml"
    answers.write_text(readme_answers_file())  # method = "device": the sign-in starts with a request
    before = snapshot_files(state_dir)
    env = {"TELEGRAM_BOT_TOKEN": TELEGRAM}
    failed = run_cli("onboard", "--answers", str(answers), "--json", env=env)
    assert failed.returncode == 1, failed.stderr
    assert "could not reach" in failed.stderr
    hint = failed.stderr.splitlines()[-1]
    assert hint.startswith("hint: ") and "run the same command with --auth-choice skip" in hint
    assert "`openclaw models auth login --provider openai-codex`" in hint
    error = [e for e in json_lines(failed.stdout) if e["event"] == "error"][0]
    assert error["code"] == "NETWORK" and "--auth-choice skip" in error["hint"]
    assert snapshot_files(state_dir) == before  # nothing written

    finished = run_cli("onboard", "--answers", str(answers), "--auth-choice", "skip", env=env)
    assert finished.returncode == 0, finished.stderr
    assert config_of(state_dir)["models"] == {"auth_choice": "skip"}


def test_a_cancelled_sign_in_gets_no_skip_hint(spawn_cli, state_dir):
    import signal as signals

    (state_dir / "providers.toml").write_text('[providers.openai-codex]\nissuer = "http://127.0.0.1:9"\n')
    proc = spawn_cli("onboard", "--accept-risk", "--accept-defaults", "--auth-choice", "openai-codex",
                     "--method", "paste")
    proc.stdin.close()
    line = proc.stderr.readline()
    while line and "Waiting for sign-in" not in line:
        line = proc.stderr.readline()
    proc.send_signal(signals.SIGINT)
    assert proc.wait(timeout=20) == 130
    assert "--auth-choice skip" not in proc.stderr.read()
