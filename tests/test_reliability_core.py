"""Fault injection for the core: kills at random moments, umask, read-only and full disks, two wizards at once.

Kills inside each step of a write are in test_crash.py; fuzzing of answers files and flags in
test_fuzz_onboard.py."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import openclaw_argv, snapshot_files
from tests.e2e.test_signin import Login
from tests.support import children
from tests.support.figures import detail, figure
from wizard import fsutil
from wizard.errors import StorageError

TG = "123456789:AAEhBOweik9ad9r_AbCdEfGhIjKlMnOpQrS"
KILL_RUNS = 40


def onboard_args(*extra: str) -> tuple[str, ...]:
    """A full run: --flow answers step 1, so --auth-choice does not jump straight to sign-in."""
    return ("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults", *extra)


@pytest.fixture
def configured(run_cli, state_dir):
    result = run_cli(*onboard_args("--auth-choice", "skip"))
    assert result.returncode == 0, result.stderr
    return snapshot_files(state_dir)


def restore(state_dir: Path, files: dict[str, bytes]) -> None:
    for child in state_dir.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    for rel, data in files.items():
        path = state_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(data)
        os.chmod(path, 0o600)


def test_sigkill_during_writes_leaves_old_or_new_files_never_partial(run_cli, cli_env, state_dir, configured,
                                                                     tmp_path):
    change = ("onboard", "--non-interactive", "--step", "channels", "--channels", "telegram",
              "--telegram-token", "env:TG")
    env = dict(cli_env, TG=TG)
    durations = []
    for _ in range(3):  # kills are spread over this machine's own run time (median of three runs)
        restore(state_dir, configured)
        started = time.monotonic()
        assert run_cli(*change, env={"TG": TG}).returncode == 0
        durations.append(time.monotonic() - started)
    full_run = sorted(durations)[1]
    new = snapshot_files(state_dir)
    targets = ["openclaw.toml", "credentials/secrets.json"]
    assert all(new[t] != configured[t] for t in targets)
    rng = random.Random(20261121)
    outcomes = {"old": 0, "new": 0}
    for _ in range(KILL_RUNS):
        restore(state_dir, configured)
        proc = children.popen(openclaw_argv(*change), env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 1.5 * full_run))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        for target in targets:
            data = (state_dir / target).read_bytes()
            assert data in (configured[target], new[target]), f"{target} is partial after a kill"
        outcomes["new" if (state_dir / "openclaw.toml").read_bytes() == new["openclaw.toml"] else "old"] += 1
        tomllib.loads((state_dir / "openclaw.toml").read_text())
        json.loads((state_dir / "credentials" / "secrets.json").read_text())
    # Kills landed both before and after the writes, so some landed around them too.
    assert outcomes["old"] and outcomes["new"], outcomes
    detail(f"kills at random moments: {outcomes}")
    figure(f"{KILL_RUNS} more runs killed at random moments spread over the run's own duration ended the same "
           "way (both the old and the new outcome occurred)")


@pytest.mark.parametrize("umask", ["000", "277"])
def test_any_umask_still_yields_private_modes(run_cli, cli_env, tmp_path, umask):
    """000 would make everything world-writable; 277 would leave the owner unable to write (0500 dirs)."""
    state = tmp_path / "fresh-state"
    env = dict(cli_env, OPENCLAW_STATE_DIR=str(state))
    result = children.run(["sh", "-c", f'umask {umask} && exec "$@"', "sh",
                           *openclaw_argv(*onboard_args("--auth-choice", "openai-api-key"))],
                          env=dict(env, OPENAI_API_KEY="sk-umask-test-key"), capture_output=True, text=True,
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "credentials").stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "workspace").stat().st_mode) == 0o755
    for path in [state / "openclaw.toml", state / "credentials" / "secrets.json",
                 state / "credentials" / "openai-api-key.json"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    if umask == "000":
        figure("under umask 000 the state and credential dirs came out 0700, the workspace 0755, and every "
               "credential and config file 0600")


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    mount = tmp_path / "mnt"
    if os.geteuid() != 0 or not _mount_tmpfs(mount, "256k"):
        pytest.skip("needs root and tmpfs mounts; the in-process ENOSPC test covers the logic")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_read_only_state_dir_reads_fine_and_writes_fail_clearly(run_cli, tmpfs):
    env = {"OPENCLAW_STATE_DIR": str(tmpfs)}
    assert run_cli(*onboard_args("--auth-choice", "skip"), env=env).returncode == 0
    before = snapshot_files(tmpfs)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    dry = run_cli(*onboard_args("--dry-run", "--skills", "git"), env=env)
    assert dry.returncode == 0, dry.stderr
    write = run_cli(*onboard_args("--skills", "git"), env=env)
    assert write.returncode == 1
    assert "Read-only file system" in write.stderr and str(tmpfs) in write.stderr
    assert "Traceback" not in write.stderr
    assert snapshot_files(tmpfs) == before
    figure("a read-only mount still reads (a dry run exits 0) and a write exits 1 with \"Read-only file "
           "system\", nothing changed")


def test_full_disk_fails_cleanly_and_keeps_the_old_files(run_cli, tmpfs):
    env = {"OPENCLAW_STATE_DIR": str(tmpfs)}
    assert run_cli(*onboard_args("--auth-choice", "skip"), env=env).returncode == 0
    fd = os.open(tmpfs / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    before = snapshot_files(tmpfs)
    result = run_cli(*onboard_args("--skills", "git,web-search", "--persona", "x" * 400, "--existing", "update"),
                     env=env)
    assert result.returncode == 1, result.stderr
    assert "No space left on device" in result.stderr and "disk is full" in result.stderr
    assert snapshot_files(tmpfs) == before
    assert not [p for p in tmpfs.rglob("*.tmp")]
    figure("a full disk makes a write exit 1 with \"No space left on device\" and \"the disk is full\", every "
           "file byte-identical and no temp file left")


def test_injected_enospc_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "openclaw.toml"
    target.write_text("old = true\n")

    def full_disk(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(StorageError) as info:
        fsutil.atomic_write(target, "new = true\n")
    monkeypatch.undo()
    assert "No space left on device" in str(info.value) and "disk is full" in info.value.hint
    assert target.read_text() == "old = true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["openclaw.toml"]


def test_second_wizard_on_the_same_state_dir_is_refused(run_cli, state_dir, configured):
    fd = os.open(state_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # stands in for a first wizard mid-run
        result = run_cli(*onboard_args("--skills", "git", "--existing", "update"))
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "another `openclaw onboard` is running" in result.stderr and "nothing was written" in result.stderr
    assert snapshot_files(state_dir) == configured


def write_lock_holders() -> set[int]:
    """PIDs holding a write (exclusive) flock or POSIX lock right now, from /proc/locks."""
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "->" in parts:  # a process blocked waiting for a lock, not holding it
            continue
        if parts[1] in ("FLOCK", "POSIX") and parts[3] == "WRITE":
            holders.add(int(parts[4]))
    return holders


def test_a_second_wizard_started_while_the_first_holds_the_lock_is_refused(spawn_cli, run_cli, oauth,
                                                                           point_codex_at, state_dir, configured):
    """Deterministic overlap: the first wizard is parked in its sign-in (waiting for a pasted address, the
    onboard lock held since before it read the config) when the second starts; exactly one is refused."""
    point_codex_at(oauth)
    first = Login(spawn_cli(*onboard_args("--existing", "update", "--skills", "git", "--auth-choice", "openai-codex",
                                          "--method", "paste", "--no-browser")))
    url = first.authorize_url()
    first.wait_for(r"Waiting for sign-in")
    assert first.proc.pid in write_lock_holders(), "the first wizard does not hold a lock while it waits"
    before = snapshot_files(state_dir)
    second = run_cli(*onboard_args("--existing", "update", "--skills", "tmux", "--auth-choice", "skip"))
    assert second.returncode == 1, second.stderr
    assert "another `openclaw onboard` is running" in second.stderr and "nothing was written" in second.stderr
    assert snapshot_files(state_dir) == before
    first.paste(oauth.authorize(url))
    code, _, stderr = first.finish(timeout=30)
    assert code == 0, stderr
    config = tomllib.loads((state_dir / "openclaw.toml").read_text())
    assert config["skills"]["enabled"] == ["git"] and config["models"]["auth_choice"] == "openai-codex"
    figure("a second wizard started while the first provably held the lock exited 1 at once (\"another "
           "`openclaw onboard` is running\"), writing nothing; the first finished with its own answers")
