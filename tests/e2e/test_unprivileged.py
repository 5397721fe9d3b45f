"""Unreadable and unwritable files, as a user file modes apply to.

Root ignores file modes, so when the suite runs as root these tests run the CLI as `nobody` (the
`unprivileged` fixture, tests/support/unprivileged.py) over files that user owns; nothing here is
skipped for running as root. Every case: a clear message naming the file and the fix, the documented
exit code, no traceback, and nothing changed.
"""

from __future__ import annotations

import json
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import snapshot_files

FULL_RUN = ("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults")
KEY = "sk-ant-api03-" + "u" * 40


@contextmanager
def mode(path: Path, bits: int):
    """`path` with mode `bits` for the duration (restored so the test can look at it afterwards)."""
    old = path.stat().st_mode & 0o7777
    os.chmod(path, bits)
    try:
        yield
    finally:
        os.chmod(path, old)


def configured(unprivileged) -> dict[str, bytes]:
    result = unprivileged.run(*FULL_RUN, "--auth-choice", "anthropic-api-key", "--token", "env:KEY",
                              env={"KEY": KEY})
    assert result.returncode == 0, result.stderr
    assert json.loads((unprivileged.state / "credentials" / "secrets.json").read_text())["secrets"]
    return snapshot_files(unprivileged.state)


def assert_clean_failure(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_read_only_state_dir_refuses_the_write_and_keeps_every_file(unprivileged):
    before = configured(unprivileged)
    with mode(unprivileged.state, 0o500):
        result = unprivileged.run(*FULL_RUN, "--existing", "update", "--skills", "git", "--auth-choice", "skip")
        status = unprivileged.run("models", "auth", "status")
    assert_clean_failure(result, 1, "Permission denied", str(unprivileged.state), "OPENCLAW_STATE_DIR")
    assert status.returncode == 0, status.stderr  # reading still works
    assert snapshot_files(unprivileged.state) == before


def test_a_read_only_state_dir_refuses_a_reset_and_keeps_every_file(unprivileged):
    before = configured(unprivileged)
    with mode(unprivileged.state, 0o500):
        result = unprivileged.run(*FULL_RUN, "--existing", "reset", "--auth-choice", "skip")
    assert_clean_failure(result, 1, "Permission denied", str(unprivileged.state))
    assert snapshot_files(unprivileged.state) == before


def test_an_unreadable_config_is_named_and_left_alone(unprivileged):
    before = configured(unprivileged)
    config = unprivileged.state / "openclaw.toml"
    with mode(config, 0o000):
        result = unprivileged.run(*FULL_RUN, "--existing", "update", "--skills", "git", "--auth-choice", "skip")
    assert_clean_failure(result, 1, f"cannot read {config}: Permission denied")
    assert snapshot_files(unprivileged.state) == before


def test_an_unreadable_secrets_file_stops_the_run_before_anything_is_written(unprivileged):
    before = configured(unprivileged)
    secrets = unprivileged.state / "credentials" / "secrets.json"
    with mode(secrets, 0o000):
        result = unprivileged.run(*FULL_RUN, "--existing", "reset", "--auth-choice", "skip")
    assert_clean_failure(result, 1, f"cannot read {secrets}: Permission denied", f"chmod 600 {secrets}")
    assert snapshot_files(unprivileged.state) == before


def test_an_unreadable_credential_shows_in_status_with_the_fix(unprivileged):
    configured(unprivileged)
    path = unprivileged.state / "credentials" / "anthropic-api-key.json"
    with mode(path, 0o000):
        result = unprivileged.run("models", "auth", "status", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["profile"]: row for row in json.loads(result.stdout)["profiles"]}
    row = next(row for name, row in rows.items() if name.startswith("anthropic-api-key"))
    assert "Permission denied" in row["error"] and f"chmod 600 {path}" in row["hint"]


def test_an_unwritable_credentials_dir_refuses_an_import_and_changes_nothing(unprivileged, oauth):
    from wizard.auth import oauth as client

    before = configured(unprivileged)
    record = client.credential_record("openai-codex", oauth.mint_tokens())
    source = unprivileged.write(unprivileged.root / "import.json", json.dumps(record))
    credentials = unprivileged.state / "credentials"
    with mode(credentials, 0o500):
        result = unprivileged.run("models", "auth", "import", "--provider", "openai-codex", "--file", str(source))
    assert_clean_failure(result, 1, "Permission denied", str(credentials))
    assert snapshot_files(unprivileged.state) == before


def test_an_unreadable_answers_file_is_a_usage_error_naming_it(unprivileged):
    answers = unprivileged.write(unprivileged.root / "answers.toml", "[skills]\nskills = ['git']\n", mode=0o000)
    result = unprivileged.run("onboard", "--non-interactive", "--accept-risk", "--accept-defaults",
                              "--answers", str(answers))
    assert_clean_failure(result, 2, f"cannot read answers file {answers}: Permission denied")
    assert snapshot_files(unprivileged.state) == {}


def test_an_unreadable_secret_file_is_named_with_its_flag(unprivileged):
    key = unprivileged.write(unprivileged.root / "key", KEY + "\n", mode=0o000)
    result = unprivileged.run("onboard", "--auth-choice", "anthropic-api-key", "--token", f"@{key}")
    assert_clean_failure(result, 2, f"authorization.token (--token): cannot read {key}: Permission denied")
    assert KEY not in result.stderr
    assert snapshot_files(unprivileged.state) == {}
