"""Files an outside audit turned against the real `openclaw` (issue 15 items 9-12): symlinked credentials,
state dirs that are shared or someone else's, devices and FIFOs where a credential should be, and the
temp file a killed write leaves behind. Some run the CLI as `nobody` (setpriv), since the suite runs as root.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, openclaw_argv, snapshot_files
from tests.e2e.test_hardening_signin import AS_NOBODY, NOBODY
from tests.e2e.test_hardening_tokens import CODEX, seed_codex, wait_until
from tests.support.figures import detail, figure
from wizard.auth import oauth as oauth_client

STATUS = ("models", "auth", "status")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def capped_memory() -> None:
    """In the child: at most 1 GiB of address space, so a read without a bound fails fast, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run_capped(cli_env: dict, cwd: Path, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run(openclaw_argv(*args), capture_output=True, text=True, env=cli_env, cwd=cwd,
                          timeout=timeout, stdin=subprocess.DEVNULL, preexec_fn=capped_memory)


def credentials(state_dir: Path) -> Path:
    path = state_dir / "credentials"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def valid_record(oauth) -> dict:
    return oauth_client.credential_record(CODEX, oauth.mint_tokens(access_ttl=7 * 86400))


# =========================================================================== item 9: never chmod through a link

def test_status_never_changes_the_mode_of_a_file_a_link_points_to(run_cli, state_dir, tmp_path):
    victim = tmp_path / "passwd-copy"
    shutil.copyfile("/etc/passwd", victim)
    victim.chmod(0o644)
    (credentials(state_dir) / f"{CODEX}.json").symlink_to(victim)
    for args in (STATUS, (*STATUS, "--json"), ("models", "status"), ("models", "list")):
        result = run_cli(*args)
        assert "Traceback" not in result.stderr
    assert mode_of(victim) == 0o644  # never chmod-ed through the link
    assert victim.read_bytes() == Path("/etc/passwd").read_bytes()
    figure("files refused: a credential symlinked to a copy of /etc/passwd (0644) was reported, never chmod-ed, "
           "by 4 read-only commands")


def test_a_credential_read_through_a_link_is_used_and_its_open_mode_reported_with_the_fix(run_cli, state_dir,
                                                                                          tmp_path, oauth):
    """Container secret mounts are symlinks: reading through one works; a too-open target is named, not changed."""
    secret = tmp_path / "mounted" / "openai-codex.json"
    secret.parent.mkdir()
    secret.write_text(json.dumps(valid_record(oauth)))
    secret.chmod(0o644)
    (credentials(state_dir) / f"{CODEX}.json").symlink_to(secret)
    result = run_cli(*STATUS, "--provider", CODEX)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "dev@example.com" in result.stdout
    assert "is a symbolic link" in result.stderr and f"chmod 600 {secret}" in result.stderr
    assert mode_of(secret) == 0o644


def test_a_too_open_file_of_another_user_is_reported_not_changed(run_cli, state_dir, oauth):
    path = credentials(state_dir) / f"{CODEX}.json"
    path.write_text(json.dumps(valid_record(oauth)))
    path.chmod(0o644)
    os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)
    result = run_cli(*STATUS)
    assert f"belongs to nobody (uid {NOBODY.pw_uid}), not to you" in result.stderr
    assert mode_of(path) == 0o644
    ours = credentials(state_dir) / "openai-api-key.json"
    ours.write_text(json.dumps({"provider": "openai-api-key", "type": "api_key", "access_token": "sk-x"}))
    ours.chmod(0o640)
    run_cli(*STATUS)
    assert mode_of(ours) == 0o600  # our own regular file is still repaired


# =========================================================================== item 10: directories we do not own

def test_a_state_dir_writable_by_others_is_refused_and_keeps_its_mode(run_cli, tmp_path, oauth):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    env = {"OPENCLAW_STATE_DIR": str(shared)}
    source = tmp_path / "record.json"
    source.write_text(json.dumps(valid_record(oauth)))
    for args in (("models", "auth", "import", "--provider", CODEX, "--file", str(source)),
                 ("models", "auth", "login", "--provider", CODEX, "--no-browser")):
        result = run_cli(*args, env=env)
        assert result.returncode == 1, result.stderr
        assert f"{shared} is writable by group and others (mode 1777)" in result.stderr
        assert f"chmod go-w {shared}" in result.stderr and "OPENCLAW_STATE_DIR" in result.stderr
    assert mode_of(shared) == 0o1777  # the sticky bit is still there
    assert os.listdir(shared) == []
    figure("files refused: a 1777 state dir (like /tmp) refused for import and login with the fix; its mode "
           "stayed 1777 and nothing was written in it")


def test_a_dir_writable_only_by_its_owners_private_group_is_fine(run_cli, tmp_path, oauth):
    """User private groups (umask 002): a 0775 dir whose group has no one but its owner is not open to others.
    Root's group here has no other member; nogroup is not root's own group."""
    state = tmp_path / "upg"
    state.mkdir()
    state.chmod(0o775)
    source = tmp_path / "record.json"
    source.write_text(json.dumps(valid_record(oauth)))
    args = ("models", "auth", "import", "--provider", CODEX, "--file", str(source))
    result = run_cli(*args, env={"OPENCLAW_STATE_DIR": str(state)})
    assert result.returncode == 0, result.stderr
    assert mode_of(state) == 0o775
    shared = tmp_path / "shared-group"
    shared.mkdir()
    os.chown(shared, 0, NOBODY.pw_gid)
    shared.chmod(0o775)
    refused = run_cli(*args, env={"OPENCLAW_STATE_DIR": str(shared)})
    assert refused.returncode == 1 and "is writable by group (mode 0775)" in refused.stderr


def test_an_existing_state_dir_keeps_its_mode(run_cli, tmp_path, oauth):
    state = tmp_path / "mine"
    state.mkdir()
    state.chmod(0o750)
    source = tmp_path / "record.json"
    source.write_text(json.dumps(valid_record(oauth)))
    result = run_cli("models", "auth", "import", "--provider", CODEX, "--file", str(source),
                     env={"OPENCLAW_STATE_DIR": str(state)})
    assert result.returncode == 0, result.stderr
    assert mode_of(state) == 0o750  # ours, not open to others: used as it is
    assert mode_of(state / "credentials") == 0o700  # what we create is private


@pytest.fixture
def foreign_state(tmp_path, oauth):
    """A state dir that belongs to `nobody` (a host's ~/.openclaw mounted into a container running as root)."""
    state = tmp_path / "theirs"
    (state / "credentials").mkdir(parents=True, mode=0o700)
    path = state / "credentials" / f"{CODEX}.json"
    path.write_text(json.dumps(valid_record(oauth)))
    path.chmod(0o600)
    for item in (state, state / "credentials", path):
        os.chown(item, NOBODY.pw_uid, NOBODY.pw_gid)
    state.chmod(0o700)
    return state


def test_a_state_dir_of_another_user_is_read_with_a_warning_and_never_written(run_cli, foreign_state, tmp_path,
                                                                              oauth):
    env = {"OPENCLAW_STATE_DIR": str(foreign_state)}
    before = snapshot_files(foreign_state)
    status = run_cli(*STATUS, env=env)
    assert status.returncode == 0, status.stderr
    assert "dev@example.com" in status.stdout
    assert f"{foreign_state} belongs to nobody (uid {NOBODY.pw_uid}), not to you: reading it, but nothing will " \
           "be written there" in status.stderr
    source = tmp_path / "record.json"
    source.write_text(json.dumps(valid_record(oauth)))
    for args in (("models", "auth", "import", "--provider", CODEX, "--file", str(source)),
                 ("models", "auth", "refresh", "--provider", CODEX),
                 ("models", "auth", "logout", "--provider", CODEX),
                 ("models", "auth", "login", "--provider", CODEX, "--no-browser")):
        result = run_cli(*args, env=env)
        assert result.returncode == 1, (args, result.stderr)
        assert "belongs to nobody" in result.stderr and "never writes in it" in result.stderr, result.stderr
    assert snapshot_files(foreign_state) == before  # not a byte, not a lock file
    assert all(item.stat().st_uid == NOBODY.pw_uid for item in foreign_state.rglob("*"))
    figure("files refused: a state dir of another user was read by status (with a warning) and refused by "
           "import, refresh, logout and login as root; not a byte changed")


def test_as_an_unprivileged_user_a_root_owned_state_dir_is_read_only(oauth, cli_env):
    shared = Path(tempfile.mkdtemp(prefix="openclaw-h15-", dir="/tmp"))
    try:
        shared.chmod(0o755)
        state = shared / "root-state"
        (state / "credentials").mkdir(parents=True)
        for directory in (state, state / "credentials"):
            directory.chmod(0o755)
        path = state / "credentials" / f"{CODEX}.json"
        path.write_text(json.dumps(valid_record(oauth)))
        path.chmod(0o644)
        source = shared / "record.json"
        source.write_text(json.dumps(valid_record(oauth)))
        source.chmod(0o644)
        env = {**cli_env, "OPENCLAW_STATE_DIR": str(state), "HOME": str(shared)}
        before = snapshot_files(state)

        def as_nobody(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([*AS_NOBODY, *openclaw_argv(*args)], capture_output=True, text=True, env=env,
                                  cwd=shared, timeout=30, stdin=subprocess.DEVNULL)

        status = as_nobody(*STATUS)
        assert status.returncode == 0, status.stderr
        assert "dev@example.com" in status.stdout
        assert f"{state} belongs to root (uid 0), not to you" in status.stderr
        assert f"{path} is readable by others (mode 0644) and was left as it is: it belongs to root" in status.stderr
        imported = as_nobody("models", "auth", "import", "--provider", CODEX, "--file", str(source))
        assert imported.returncode == 1 and "belongs to root (uid 0)" in imported.stderr, imported.stderr
        assert snapshot_files(state) == before and mode_of(path) == 0o644
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# =========================================================================== item 11: bounded, typed reads

@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "2 MiB file", "directory"])
def test_a_credential_path_that_is_not_a_small_regular_file_is_reported_at_once(cli_env, state_dir, tmp_path, kind):
    path = credentials(state_dir) / f"{CODEX}.json"
    words = {"/dev/zero": "it is a character device, not a regular file",
             "fifo": "it is a named pipe (FIFO), not a regular file",
             "2 MiB file": "it is larger than 1024 KiB",
             "directory": "it is a directory, not a regular file"}[kind]
    if kind == "/dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "2 MiB file":
        path.write_text('{"provider": "openai-codex", "access_token": "' + "a" * (2 << 20) + '"}')
        path.chmod(0o600)
    else:
        path.mkdir()
    slowest = 0.0
    for args in ((*STATUS, "--json"), ("models", "auth", "refresh", "--provider", CODEX),
                 ("models", "invoke", "--provider", CODEX, "--model", "m", "--prompt", "p")):
        started = time.monotonic()
        result = run_capped(cli_env, tmp_path, *args)
        slowest = max(slowest, time.monotonic() - started)
        assert slowest < 10
        assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr
        assert words in result.stdout + result.stderr, (args, result.stdout, result.stderr)
        if args[2] == "status":
            row = json.loads(result.stdout)["profiles"][0]
            assert row["error"] and words in row["error"] and result.returncode == 0
        else:
            assert result.returncode == 1
    figure(f"files refused: a credential path that is {kind} -> reported by status, refresh and invoke, each in "
           "under 10 s (1 GiB address-space cap), no hang, no MemoryError")
    detail(f"files refused ({kind}): the slowest in {slowest:.2f} s")


@pytest.mark.parametrize("which", ["providers.toml", "Codex CLI auth.json"])
def test_other_files_we_read_cannot_hang_us_either(cli_env, state_dir, tmp_path, which):
    if which == "providers.toml":
        os.mkfifo(state_dir / "providers.toml", 0o600)
    else:
        codex_home = Path(cli_env["CODEX_HOME"])
        codex_home.mkdir(parents=True)
        (codex_home / "auth.json").symlink_to("/dev/zero")
    result = run_capped(cli_env, tmp_path, *STATUS)
    assert "Traceback" not in result.stderr
    assert "not a regular file" in result.stdout + result.stderr


# =========================================================================== item 12: no live tokens left behind

KILLED_MID_WRITE = r'''
import os, sys, time
real_replace = os.replace
def replace_after_a_pause(src, dst, *args, **kwargs):
    if str(dst).endswith("openai-codex.json"):
        open(sys.argv[1], "w").close()  # the temp file is written and synced: the crash window is open
        time.sleep(60)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace_after_a_pause
from wizard.cli import main
sys.exit(main(sys.argv[2:]))
'''


def test_a_write_killed_before_its_rename_leaves_a_temp_file_the_next_write_removes(oauth, point_codex_at,
                                                                                    state_dir, cli_env, tmp_path,
                                                                                    run_cli):
    point_codex_at(oauth)
    old = seed_codex(oauth, state_dir)
    ready = tmp_path / "in-the-window"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_MID_WRITE, str(ready), "models", "auth", "refresh",
                             "--provider", CODEX], env=cli_env, cwd=ROOT, stderr=subprocess.PIPE)
    try:
        wait_until(ready.exists, "the write to reach its rename", timeout=30)
        proc.send_signal(signal.SIGKILL)  # the real crash: between the temp file's write and its rename
    finally:
        proc.wait(10)
    creds = state_dir / "credentials"
    [left] = list(creds.glob(f".{CODEX}.json.*.tmp"))
    assert json.loads(left.read_text())["refresh_token"] != old["refresh_token"]  # a live rotated token on disk
    source = tmp_path / "record.json"
    source.write_text(json.dumps(valid_record(oauth)))
    result = run_cli("models", "auth", "import", "--provider", CODEX, "--file", str(source))
    assert result.returncode == 0, result.stderr
    assert list(creds.glob(".*.tmp")) == []  # swept by the next write
    logout = run_cli("models", "auth", "logout", "--provider", CODEX)
    assert logout.returncode == 0, logout.stderr
    assert sorted(os.listdir(creds)) == []  # no credential, no temp file, no lock file
    figure("no live tokens left behind: a refresh SIGKILLed between temp-file write and rename left a rotated "
           "refresh token in a temp file; the next write removed it, and logout left the credentials dir empty")
