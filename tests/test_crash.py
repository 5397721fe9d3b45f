"""Crashes that land inside a write, at every step of it, and the fsyncs that make a write durable.

A kill at a random moment almost never lands inside a write (a write takes microseconds, a run ~150 ms),
so these tests make the real CLI kill itself at a chosen point of a chosen file's write, through the
writer's test hook (OPENCLAW_TEST_CRASH, wizard/fsutil.py): half the bytes in the temp file, all of
them but not yet fsynced, fsynced but not renamed, renamed but the directory not yet fsynced. At each
point every file must be the old version or the new one, never a mix, and the config must never refer
to secrets that were not stored.

A SIGKILL cannot show a missing fsync (the page cache outlives the process; only a power cut would),
so the order of the durability calls is checked directly: on the file before the rename, on its
directory after it, in-process and in the real CLI under strace.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import openclaw_argv, snapshot_files
from tests.support import children
from tests.support.figures import figure
from wizard import fsutil

TG = "123456789:AAEhBOweik9ad9r_AbCdEfGhIjKlMnOpQrS"
OLD_KEY = "sk-ant-api03-" + "o" * 40
NEW_KEY = "sk-ant-api03-" + "n" * 40
CONFIG = "openclaw.toml"
SECRETS = "credentials/secrets.json"
CREDENTIAL = "credentials/anthropic-api-key.json"
BACKUP = "openclaw.toml.bak"
TARGETS = (SECRETS, CREDENTIAL, BACKUP, CONFIG)
PRE_RENAME_POINTS = ("half-written", "before-fsync", "before-rename")



def full_run(*extra: str) -> tuple[str, ...]:
    return ("onboard", "--flow", "quickstart", "--accept-risk", "--accept-defaults", *extra)


FIRST = full_run("--auth-choice", "anthropic-api-key", "--token", "env:KEY")
# One run that rewrites four files: the secrets (a new channel token), a credential (a new key),
# the config's backup and the config itself.
CHANGE = full_run("--existing", "update", "--channels", "telegram", "--telegram-token", "env:TG",
                  "--auth-choice", "anthropic-api-key", "--token", "env:KEY")


def restore(state_dir: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(state_dir)
    state_dir.mkdir(mode=0o700)
    for rel, data in files.items():
        path = state_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(data)
        os.chmod(path, 0o600)


def parses(rel: str, data: bytes) -> None:
    if rel.endswith(".toml") or rel.endswith(".bak"):
        tomllib.loads(data.decode("utf-8"))
    else:
        json.loads(data)


def temp_files(state_dir: Path) -> list[Path]:
    return [p for p in state_dir.rglob(".*.tmp")]


@pytest.fixture
def before_and_after(run_cli, state_dir):
    """The state dir's files before CHANGE and after it ran undisturbed."""
    assert run_cli(*FIRST, env={"KEY": OLD_KEY}).returncode == 0
    before = snapshot_files(state_dir)
    done = run_cli(*CHANGE, env={"TG": TG, "KEY": NEW_KEY})
    assert done.returncode == 0, done.stderr
    after = snapshot_files(state_dir)
    for rel in TARGETS:
        assert after[rel] != before.get(rel), f"{rel} is not rewritten by the change"
    restore(state_dir, before)
    return before, after


def run_killed_at(cli_env: dict, cwd: Path, point: str, target: str) -> int:
    env = {**cli_env, "TG": TG, "KEY": NEW_KEY, fsutil.CRASH_ENV: f"{point}:{Path(target).name}"}
    proc = children.run(openclaw_argv(*CHANGE), env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                        capture_output=True, text=True, timeout=60)
    return proc.returncode


def assert_old_or_new(files: dict[str, bytes], before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for rel in TARGETS:
        data = files.get(rel)
        assert data in (before.get(rel), after[rel]), f"{rel} is neither the old nor the new version"
        if data is not None:
            parses(rel, data)
    if files.get(CONFIG) == after[CONFIG]:  # a new config never refers to secrets that were not stored
        assert files[SECRETS] == after[SECRETS] and files[CREDENTIAL] == after[CREDENTIAL]


@pytest.mark.parametrize("point", fsutil.CRASH_POINTS)
def test_a_kill_inside_each_write_leaves_the_old_file_or_the_new_one(run_cli, cli_env, state_dir, tmp_path,
                                                                    before_and_after, point):
    before, after = before_and_after
    outcomes = []
    for target in TARGETS:
        restore(state_dir, before)
        code = run_killed_at(cli_env, tmp_path, point, target)
        assert code == -signal.SIGKILL, f"the kill at {point} of {target} never happened (exit {code})"
        files = snapshot_files(state_dir)
        assert_old_or_new(files, before, after)
        expected = after[target] if point == "after-rename" else before.get(target)
        assert files.get(target) == expected, f"{target} after a kill at {point}"
        if point == "half-written":  # the kill really landed mid-write: half the new bytes sit in the temp file
            partial = [p.read_bytes() for p in temp_files(state_dir) if p.name.startswith(f".{Path(target).name}.")]
            assert partial == [after[target][:len(after[target]) // 2]]
        rerun = run_cli(*CHANGE, env={"TG": TG, "KEY": NEW_KEY})  # the next run recovers
        assert rerun.returncode == 0, rerun.stderr
        recovered = snapshot_files(state_dir)
        assert {rel: recovered[rel] for rel in TARGETS} == {rel: after[rel] for rel in TARGETS}
        outcomes.append(target)
    assert outcomes == list(TARGETS)
    if point == fsutil.CRASH_POINTS[-1]:
        figure(f"{len(fsutil.CRASH_POINTS) * len(TARGETS)} runs of one rewrite of {len(TARGETS)} files (the "
               "secrets, a credential, the config and its backup) were killed with SIGKILL inside a write, each "
               f"file at each of {len(fsutil.CRASH_POINTS)} points (half-written, written but not fsynced, fsynced "
               "but not renamed, renamed but its directory not fsynced): every file was the old version or the "
               "new one, never partial, a new config never referred to secrets not yet stored, and the next run "
               "finished the change")


def test_the_crash_hook_is_inert_without_its_env_var(tmp_path, monkeypatch):
    monkeypatch.delenv(fsutil.CRASH_ENV, raising=False)
    target = tmp_path / "openclaw.toml"
    fsutil.atomic_write(target, "a = 1\n")
    assert target.read_text() == "a = 1\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# --- durability: fsync of the file before the rename, of the directory after it ---------------------------

def record_durability_calls(monkeypatch) -> list[tuple]:
    """os.fsync and os.replace, recorded with the inode (and kind) each one touched."""
    calls: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        info = os.fstat(fd)
        calls.append(("fsync", info.st_ino, "dir" if stat.S_ISDIR(info.st_mode) else "file"))
        return real_fsync(fd)

    def replace(src, dst, **kwargs):
        calls.append(("replace", os.stat(src).st_ino, str(dst)))
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_atomic_write_fsyncs_the_file_before_the_rename_and_the_directory_after(tmp_path, monkeypatch):
    target = tmp_path / "openclaw.toml"
    target.write_text("old = true\n")
    calls = record_durability_calls(monkeypatch)
    fsutil.atomic_write(target, "new = true\n")
    monkeypatch.undo()
    new_inode, dir_inode = target.stat().st_ino, tmp_path.stat().st_ino
    assert calls == [("fsync", new_inode, "file"), ("replace", new_inode, str(target)),
                     ("fsync", dir_inode, "dir")]


STRACE_LINE = re.compile(r'^\d+\s+(?P<call>fsync|fdatasync|rename|renameat2?)\((?P<args>.*)\)\s+= 0$')


def durability_events(log: str) -> list[tuple[str, str, str]]:
    """(call, path, second path) from `strace -y` lines: fsync(3</dir/file>), rename("a", "b")."""
    events = []
    for line in log.splitlines():
        found = STRACE_LINE.match(line)
        if not found:
            continue
        if found["call"] in ("fsync", "fdatasync"):
            events.append(("fsync", re.search(r"<(.*)>", found["args"]).group(1), ""))
        else:
            paths = re.findall(r'"((?:[^"\\]|\\.)*)"', found["args"])
            events.append(("rename", paths[0], paths[1]))
    return events


def strace_usable() -> bool:
    if not shutil.which("strace"):
        return False
    return children.run(["strace", "-o", "/dev/null", "true"], capture_output=True).returncode == 0


def test_the_real_cli_fsyncs_every_file_before_its_rename_and_the_directory_after(cli_env, state_dir, tmp_path,
                                                                                   before_and_after):
    if not strace_usable():
        pytest.skip("strace is not installed or may not trace here; the in-process order test covers the writer")
    log = tmp_path / "strace.log"
    env = {**cli_env, "TG": TG, "KEY": NEW_KEY}
    proc = children.run(["strace", "-f", "-qq", "-y", "-e", "signal=none", "-e",
                         "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", str(log), *openclaw_argv(*CHANGE)],
                        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    events = durability_events(log.read_text())
    real_state = os.path.realpath(state_dir)
    for rel in TARGETS:
        final = os.path.join(real_state, rel)
        renames = [i for i, (call, _, dst) in enumerate(events) if call == "rename" and dst == final]
        assert len(renames) == 1, f"{rel} was not replaced by exactly one rename: {events}"
        at = renames[0]
        temp = events[at][1]
        assert ("fsync", temp, "") in events[:at], f"{rel}: its temp file was not fsynced before the rename"
        next_rename = next((i for i in range(at + 1, len(events)) if events[i][0] == "rename"), len(events))
        assert ("fsync", os.path.dirname(final), "") in events[at + 1:next_rename], \
            f"{rel}: its directory was not fsynced after the rename (before the next file's)"
    figure(f"in a real run each of the {len(TARGETS)} files was fsynced before its rename and its directory "
           "after it (strace)")
