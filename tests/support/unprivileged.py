"""Running the CLI as a user whom file modes apply to.

Root reads and writes files whatever their mode, so a suite that runs as root (CI containers, this
project's machines) would never see "Permission denied". When the suite runs as root, `Unprivileged`
runs the CLI as `nobody` (setpriv), in a directory tree that `nobody` owns; otherwise as the suite's
own user. Either way the files under test are owned by the user the CLI runs as, so a mode such as
0000 or 0500 really takes effect.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support import children

UNPRIVILEGED_USER = "nobody"


def _switch_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={UNPRIVILEGED_USER}", f"--regid={_account().pw_gid}", "--clear-groups", "--"]


def _account() -> pwd.struct_passwd:
    return pwd.getpwnam(UNPRIVILEGED_USER)


class Unprivileged:
    """A home and a state dir owned by the user the CLI will run as, and a runner for the CLI."""

    def __init__(self, cli_argv, base_env: dict):
        self._cli_argv = cli_argv
        self.root = Path(tempfile.mkdtemp(prefix="openclaw-unprivileged-"))
        os.chmod(self.root, 0o711)  # traversable, not listable, by the unprivileged user
        self.home = self.root / "home"
        self.state = self.root / "state"
        for path in (self.home, self.state):
            path.mkdir(mode=0o700)
            self.own(path)
        self.env = {**base_env, "HOME": str(self.home), "OPENCLAW_STATE_DIR": str(self.state),
                    "CODEX_HOME": str(self.home / ".codex"), "PYTHONDONTWRITEBYTECODE": "1"}

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    def own(self, path: Path) -> Path:
        """Make `path` (and, for a dir, everything under it) belong to the user the CLI runs as."""
        for target in [path, *(path.rglob("*") if path.is_dir() else [])]:
            self._own_one(target)
        return path

    def write(self, path: Path, data: str | bytes, mode: int = 0o600) -> Path:
        """A file (and any dirs made for it, 0700) owned by that user, with `mode`."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        os.chmod(path, mode)
        for target in [path, *path.parents]:
            if target == self.root:
                break
            self._own_one(target)
        return path

    def _own_one(self, path: Path) -> None:
        if self.as_root:
            os.lchown(path, _account().pw_uid, _account().pw_gid)

    def run(self, *args: str, input: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
        argv = [*_switch_user(), *self._cli_argv(*args)]
        return children.run(argv, input=input, capture_output=True, text=True, env={**self.env, **(env or {})},
                            cwd=self.root, timeout=60)

    def check_user(self) -> None:
        """The CLI really runs as someone file modes apply to (the point of all this)."""
        probe = children.run([*_switch_user(), "id", "-u"], capture_output=True, text=True)
        assert probe.returncode == 0 and probe.stdout.strip() != "0", probe.stderr

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
