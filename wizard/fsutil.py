"""Crash-safe file writes: a reader only ever sees the old file or the new one."""

from __future__ import annotations

import os
from pathlib import Path

from wizard.errors import StorageError


def _os_reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and parents) as 0700; tighten an existing dir we own."""
    try:
        existed = path.is_dir()
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask (a umask such as 0277 even takes the owner's write bit):
        # a dir made here is set to 0700 explicitly; one that was there only loses group/other access.
        mode = path.stat().st_mode & 0o777
        if mode & 0o077 or (not existed and mode != 0o700):
            os.chmod(path, 0o700)
    except PermissionError as exc:
        if path.is_dir():
            return  # read-only state dir: reading still works, writes report their own error
        raise StorageError(f"cannot create directory {path}: {_os_reason(exc)}",
                           hint="set OPENCLAW_STATE_DIR to a writable directory") from None
    except OSError as exc:
        raise StorageError(f"cannot create directory {path}: {_os_reason(exc)}",
                           hint="set OPENCLAW_STATE_DIR to a writable directory") from None


# Crash tests (tests/test_crash.py) kill a writer inside one write: OPENCLAW_TEST_CRASH="<point>:<file name>",
# point one of CRASH_POINTS, makes the process SIGKILL itself there. Never set in real use.
CRASH_ENV = "OPENCLAW_TEST_CRASH"
CRASH_POINTS = ("half-written", "before-fsync", "before-rename", "after-rename")


def _crash_point(point: str, path: Path) -> None:
    if os.environ.get(CRASH_ENV) == f"{point}:{path.name}":
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def atomic_write(path: Path, data: bytes | str, mode: int = 0o600) -> None:
    """Write via a temp file in the same dir, fsync, then os.replace over `path`."""
    import tempfile  # only writers pay for it

    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = path.parent
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        try:
            os.fchmod(fd, mode)
            half = len(data) // 2
            _write_all(fd, data[:half])
            _crash_point("half-written", path)
            _write_all(fd, data[half:])
            _crash_point("before-fsync", path)
            os.fsync(fd)
        finally:
            os.close(fd)
        _crash_point("before-rename", path)
        os.replace(tmp_name, path)
        tmp_name = None
        _crash_point("after-rename", path)
        _fsync_dir(directory)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {_os_reason(exc)}",
                           hint=_write_hint(exc)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_hint(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the state dir is not writable; set OPENCLAW_STATE_DIR to a writable directory"
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free some space and run the command again"
    return "check the path and its permissions, then run the command again"


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise StorageError(f"{path} is not UTF-8 text",
                           hint="fix or move the file, then run the command again") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {_os_reason(exc)}",
                           hint="check the file's permissions") from None
