"""Hold SIGINT and SIGTERM while tokens are in flight.

Refresh tokens rotate: once a refresh request is sent the provider may already have spent the
old token, so a process stopped before it stores the answer leaves a dead sign-in behind (and
a provider that sees the old token again may revoke the whole grant). The same holds for a code
exchange: the code is single-use. `deferred(what)` covers the span from sending such a request
to storing its answer: a SIGINT or SIGTERM arriving then is remembered, the answer is stored,
and then the run stops with Cancelled (exit 130) saying what was kept. Every request in that span
has a total deadline, so the wait is bounded.

Only the main thread can handle signals; elsewhere (the TUI's sign-in worker) this does nothing.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from wizard.errors import Cancelled
from wizard.i18n import M, localize

HELD = (signal.SIGINT, signal.SIGTERM)
_depth = 0


class Held:
    """What the block tells `deferred`: set `stored = False` when it ends without storing anything."""

    stored = True


@contextmanager
def deferred(what: str) -> Iterator[Held]:
    """Hold SIGINT/SIGTERM inside the block; if one came, raise Cancelled after it (saying `what` was stored)."""
    global _depth
    held = Held()
    if threading.current_thread() is not threading.main_thread() or _depth:
        yield held  # another thread, or already held by an outer block
        return
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        if not received:
            print("\n" + localize(M("{signal} received: storing {what} first, then stopping...",
                                     signal=signal.Signals(signum).name, what=what)), file=sys.stderr, flush=True)
        received.append(signum)

    previous = {sig: signal.getsignal(sig) for sig in HELD}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, hold)
    _depth += 1
    try:
        yield held
    finally:
        _depth -= 1
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    if received:
        name = signal.Signals(received[0]).name
        if not held.stored:
            raise Cancelled(M("cancelled by {signal}; nothing was stored", signal=name))
        raise Cancelled(M("cancelled by {signal}; {what} were stored first, so nothing is lost",
                          signal=name, what=what))
