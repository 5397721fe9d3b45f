"""Issue 11 through the real command, headless: a config that is not valid TOML, and the warning when the
default model has no credential (the review's rule, in the last lines of a headless run too)."""

from __future__ import annotations

import tomllib

from tests.conftest import snapshot_files

BROKEN = b'# hand-edited, then broken\n[gateway\nport = 18789\n'


def test_a_broken_config_stops_a_headless_run_with_line_and_column(run_cli, state_dir):
    (state_dir / "openclaw.toml").write_bytes(BROKEN)
    before = snapshot_files(state_dir)
    result = run_cli("onboard", "--non-interactive", "--accept-risk", "--accept-defaults")
    assert result.returncode == 2
    assert "is not valid TOML" in result.stderr and "line 2, column 9" in result.stderr
    assert "--existing reset" in result.stderr  # how a headless run can still go on
    assert "Traceback" not in result.stderr
    assert snapshot_files(state_dir) == before  # nothing written, the file untouched


def test_existing_reset_keeps_the_broken_config_as_a_backup_and_starts_over(run_cli, state_dir):
    (state_dir / "openclaw.toml").write_bytes(BROKEN)
    result = run_cli("onboard", "--non-interactive", "--existing", "reset", "--accept-risk", "--accept-defaults")
    assert result.returncode == 0, result.stderr
    backups = list(state_dir.glob("openclaw.toml.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == BROKEN
    config = tomllib.loads((state_dir / "openclaw.toml").read_text())
    assert config["gateway"]["port"] == 18789 and config["wizard"]["accepted_risk"] is True


def test_a_headless_run_warns_when_the_default_model_has_no_credential(run_cli, state_dir):
    config = '[models]\ndefault = "openai-codex/gpt-5.2"\nauth_choice = "openai-codex"\n'
    (state_dir / "openclaw.toml").write_text(config)
    result = run_cli("onboard", "--non-interactive", "--step", "hooks", "--hooks", "boot-md")
    assert result.returncode == 0, result.stderr
    assert ("note: the default model openai-codex/gpt-5.2 has no credential yet, so the agent cannot use it "
            "(run again with --auth-choice openai-codex)") in result.stderr
    quiet = run_cli("onboard", "--non-interactive", "--step", "hooks", "--hooks", "boot-md", "--dry-run", "--json")
    assert '"warnings": ["the default model openai-codex/gpt-5.2 has no credential yet' in quiet.stdout
