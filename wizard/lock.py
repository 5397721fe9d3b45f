"""One wizard at a time per state dir: a second `openclaw onboard` fails at once, writing nothing."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from wizard.errors import WizardError
from wizard.fsutil import ensure_private_dir
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterator


class Busy(WizardError):
    code = "BUSY"


@contextlib.contextmanager
def onboard_lock(state_dir: Path) -> Iterator[None]:
    """An exclusive flock on the state dir itself, held for the whole run (no lock file to leave behind)."""
    ensure_private_dir(state_dir)
    try:
        fd = os.open(state_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield  # nothing can be written there either: the first write reports the real reason
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(M("another `openclaw onboard` is running on {path}", path=str(state_dir)),
                       hint=M("let it finish (or quit it), then run this again; nothing was written")) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
