"""Files and directories, carefully: crash-safe writes, bounded reads, dirs we may trust.

- atomic_write: a reader only ever sees the old file or the new one.
- ensure_private_dir: a dir this program creates is 0700; an existing one is never changed, and
  is refused for writing when it is not ours or is writable by group/others (like ssh's
  StrictModes). check_dir_for_reading warns about a dir of another user (read, never written:
  a host's ~/.openclaw mounted read-only into a container) and refuses a writable-by-others one.
- read_regular_file: only a regular file, opened without blocking (a FIFO never hangs), at most
  a size cap (a device never fills memory); a too-open mode is repaired only on a file of ours
  opened without following links, never on a link's target.
- sweep_stale_temps: temp files an atomic_write killed mid-way left behind.

Standard library only: `models auth status` loads this.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

from wizard import paths
from wizard.errors import StorageError, os_reason
from wizard.i18n import M, localize

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from pathlib import Path

MAX_READ_BYTES = 1 << 20
DIR_FIX = M("set OPENCLAW_STATE_DIR to a directory only you can write (e.g. ~/.openclaw)")


def _os_reason(exc: OSError) -> str:
    return os_reason(exc)


# --------------------------------------------------------------------------- directories


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) if needed, as 0700; an existing dir must be fit to write in.

    The mode of an existing directory is never changed (a shared dir would lose its sticky bit,
    another user's dir would be taken over); an unfit one is a StorageError naming the fix."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _create_private_dir(path)
        return
    except OSError as exc:
        raise StorageError(M("cannot use directory {path}: {reason}", path=str(path), reason=_os_reason(exc)),
                           hint=DIR_FIX) from None
    problem = dir_problem(path, info)
    if problem:
        raise StorageError(problem[0], hint=problem[1])


def _create_private_dir(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # parents as the umask makes them: not ours to police
        os.mkdir(path, 0o700)
    except FileExistsError:
        ensure_private_dir(path)  # made meanwhile by another process: judge it like any existing one
        return
    except OSError as exc:
        raise StorageError(M("cannot create directory {path}: {reason}", path=str(path), reason=_os_reason(exc)),
                           hint=_create_hint(path, exc)) from None
    try:
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask (0277 would leave it unwritable)
    except OSError:
        pass


def _create_hint(path: Path, exc: OSError) -> str:
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and blocker is not None:
        return M("{blocker} is a file, not a directory: move it aside (mv {blocker} {blocker}.old) or {fix}",
                 blocker=str(blocker), fix=DIR_FIX)
    return DIR_FIX


def dir_problem(path: Path, info: os.stat_result) -> tuple[str, str] | None:
    """(message, fix) when an existing `path` must not be written in; None when it is fine."""
    if not stat.S_ISDIR(info.st_mode):
        return (M("{path} is {kind}, not a directory", path=str(path), kind=file_kind(info.st_mode)),
                M("move it aside (mv {path} {path}.old) or {fix}", path=str(path), fix=DIR_FIX))
    if info.st_uid != os.geteuid():
        return (M("{path} belongs to {owner}, not to you ({you}): OpenClaw reads such a directory but never writes "
                  "in it", path=str(path), owner=user_name(info.st_uid), you=user_name(os.geteuid())),
                M("run this as {owner}, or {fix}", owner=user_name(info.st_uid), fix=DIR_FIX))
    return open_dir_problem(path, info)


def open_dir_problem(path: str | Path, info: os.stat_result) -> tuple[str, str] | None:
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o022 or (mode & 0o022 == 0o020 and private_group(info)):
        return None
    who = {0o020: M("group"), 0o002: M("others"), 0o022: M("group and others")}[mode & 0o022]
    return (M("{path} is writable by {who} (mode {mode:04o}): anyone who can write there could replace the "
              "credentials or the providers file, so OpenClaw refuses to use it", path=str(path), who=who, mode=mode),
            M("if the directory is yours alone, remove that permission (chmod go-w {path}); otherwise {fix}",
              path=str(path), fix=DIR_FIX))


def private_group(info: os.stat_result) -> bool:
    """The dir's group is its owner's own (user private groups, umask 002): nobody else is in it,
    so group-writable means owner-writable (as Debian's ssh allows)."""
    try:
        import grp
        import pwd

        owner = pwd.getpwuid(info.st_uid)
        group = grp.getgrgid(info.st_gid)
        if owner.pw_gid != info.st_gid or any(member != owner.pw_name for member in group.gr_mem):
            return False
        return all(user.pw_gid != info.st_gid or user.pw_uid == info.st_uid for user in pwd.getpwall())
    except (ImportError, KeyError):
        return False


_warned: set[str] = set()


def check_dir_for_reading(path: str | Path) -> None:
    """Before trusting what is in `path`: a dir writable by group/others is a StorageError; a dir of
    another user is read, with a warning (once) that nothing will be written there."""
    try:
        info = os.stat(path)
    except OSError:
        return  # missing or unreadable: the read itself says so
    if not stat.S_ISDIR(info.st_mode):
        return
    problem = open_dir_problem(path, info)
    if problem:
        raise StorageError(problem[0], hint=problem[1])
    if info.st_uid != os.geteuid() and not _warned.intersection(_self_and_parents(os.fspath(path))):
        _warned.add(os.fspath(path))  # once, for the outermost such dir (the credentials dir inside says nothing new)
        print("warning: " + localize(M("{path} belongs to {owner}, not to you: reading it, but nothing will be "
                                       "written there", path=str(path), owner=user_name(info.st_uid))), file=sys.stderr)


def _self_and_parents(path: str) -> list[str]:
    """`path` and, as Path(path).parents lists them, its parents."""
    found = [path]
    while (up := paths.parent(found[-1])) != found[-1]:
        found.append(up)
    return found


def check_writable_dir(path: Path) -> None:
    """StorageError (path, reason, fix) unless files could be written in `path`, creating it if missing.

    Creates nothing: a missing dir is judged by its nearest existing parent."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            raise StorageError(M("cannot create directory {path}: {parent} is a file, not a directory", path=str(path),
                                 parent=str(parent)),
                               hint=M("move it aside (mv {path} {path}.old) or {fix}", path=str(parent), fix=DIR_FIX)
                               ) from None
        if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
            raise StorageError(M("cannot create directory {path}: {parent} is not writable", path=str(path),
                                 parent=str(parent)), hint=DIR_FIX) from None
        return
    except OSError as exc:
        raise StorageError(M("cannot use directory {path}: {reason}", path=str(path), reason=_os_reason(exc)),
                           hint=DIR_FIX) from None
    problem = dir_problem(path, info)
    if problem:
        raise StorageError(problem[0], hint=problem[1])
    if not os.access(path, os.W_OK | os.X_OK):
        raise StorageError(M("cannot write in {path}: it is read-only for you (a read-only file system)",
                             path=str(path)) if _read_only_fs(path) else
                           M("cannot write in {path}: it is read-only for you", path=str(path)), hint=DIR_FIX)


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def user_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def file_kind(mode: int) -> str:
    for test, word in ((stat.S_ISDIR, M("a directory")), (stat.S_ISFIFO, M("a named pipe (FIFO)")),
                       (stat.S_ISCHR, M("a character device")), (stat.S_ISBLK, M("a block device")),
                       (stat.S_ISSOCK, M("a socket")), (stat.S_ISLNK, M("a symbolic link")),
                       (stat.S_ISREG, M("a regular file"))):
        if test(mode):
            return word
    return M("not a regular file")


# --------------------------------------------------------------------------- bounded reads


class FileRefused(Exception):
    """A path that exists but cannot be read as a file: `reason` says why (names the path)."""

    def __init__(self, reason: str, *, permission: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permission = permission


class FileRead:
    """What read_regular_file found: the bytes, and whether the mode is too open (and was repaired)."""

    __slots__ = ("data", "mode", "uid", "linked", "repaired")

    def __init__(self, data: bytes, mode: int, uid: int, linked: bool, repaired: bool):
        self.data, self.mode, self.uid, self.linked, self.repaired = data, mode, uid, linked, repaired


def read_regular_file(path: str | Path, *, limit: int = MAX_READ_BYTES, repair_mode: bool = False) -> FileRead | None:
    """The file's bytes, or None when nothing is there; FileRefused for anything but a regular file
    up to `limit` bytes. With repair_mode, a group/world-accessible file of ours that `path` names
    directly (not through a link) is set to 0600 through the open descriptor."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    linked = False
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise _refused(path, exc) from None
        linked = True  # a symbolic link (container secret mounts are): read through it, change nothing
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            return None
        except OSError as exc2:
            raise _refused(path, exc2) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(M("cannot read {path}: it is {kind}, not a regular file", path=str(path),
                                kind=file_kind(info.st_mode)))
        data = _read_at_most(fd, limit + 1)
        if len(data) > limit:
            raise FileRefused(M("cannot read {path}: it is larger than {size} KiB, far more than any credential",
                                path=str(path), size=limit // 1024))
        mode = stat.S_IMODE(info.st_mode)
        repaired = False
        if repair_mode and mode & 0o077 and not linked and info.st_uid == os.geteuid():
            try:
                os.fchmod(fd, 0o600)
                repaired = True
            except OSError:
                pass
        return FileRead(data, mode, info.st_uid, linked, repaired)
    except OSError as exc:
        raise _refused(path, exc) from None
    finally:
        os.close(fd)


def _read_at_most(fd: int, size: int) -> bytes:
    chunks, total = [], 0
    while total < size:
        chunk = os.read(fd, min(65536, size - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _refused(path: str | Path, exc: OSError) -> FileRefused:
    return FileRefused(M("cannot read {path}: {reason}", path=str(path), reason=_os_reason(exc)),
                       permission=isinstance(exc, PermissionError))


# --------------------------------------------------------------------------- stale temp files


def temp_prefix(path: Path) -> str:
    """How atomic_write names its temp files for `path`: `.<name>.<random>.tmp` beside it (mkstemp)."""
    return f".{path.name}."


def sweep_stale_temps(path: Path) -> list[Path]:
    """Remove the temp files of `path` that an atomic_write killed between write and rename left.

    Call it only where no other writer of `path` can be mid-way (under the lock every writer of
    `path` holds): then every such file is stale. Only our own regular files are removed."""
    directory, prefix = path.parent, temp_prefix(path)
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        candidate = directory / name
        try:
            info = os.lstat(candidate)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                os.unlink(candidate)
                removed.append(candidate)
        except OSError:
            continue
    return removed


# Crash tests (tests/test_crash.py) kill a writer inside one write: OPENCLAW_TEST_CRASH="<point>:<file name>",
# point one of CRASH_POINTS, makes the process SIGKILL itself there. Never set in real use.
CRASH_ENV = "OPENCLAW_TEST_CRASH"
CRASH_POINTS = ("half-written", "before-fsync", "before-rename", "after-rename")


def _crash_point(point: str, path: Path) -> None:
    if os.environ.get(CRASH_ENV) == f"{point}:{path.name}":
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _create_temp(path: Path) -> tuple[int, str]:
    """A new temp file beside `path`, `.<name>.<random>.tmp`, as tempfile.mkstemp makes one (mode 0600,
    O_EXCL, not through a link, another name on a clash) without importing tempfile (4 ms)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    directory = os.path.abspath(path.parent)
    for _ in range(100):
        name = os.path.join(directory, f"{temp_prefix(path)}{os.urandom(4).hex()}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No usable temporary file name found")


def atomic_write(path: Path, data: bytes | str, mode: int = 0o600) -> None:
    """Write via a temp file in the same dir, fsync, then os.replace over `path`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = path.parent
    tmp_name = None
    try:
        fd, tmp_name = _create_temp(path)
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
        raise StorageError(M("cannot write {path}: {reason}", path=str(path), reason=_os_reason(exc)),
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
        return M("the state dir is not writable; set OPENCLAW_STATE_DIR to a writable directory")
    if exc.errno == errno.ENOSPC:
        return M("the disk is full; free some space and run the command again")
    return M("check the path and its permissions, then run the command again")


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
        raise StorageError(M("{path} is not UTF-8 text", path=str(path)),
                           hint=M("fix or move the file, then run the command again")) from None
    except OSError as exc:
        raise StorageError(M("cannot read {path}: {reason}", path=str(path), reason=_os_reason(exc)),
                           hint=M("check the file's permissions")) from None
