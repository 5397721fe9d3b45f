"""A total deadline for one HTTP request, whatever the server does.

httpx2's timeouts bound each connect, read and write on their own: a server that sends one byte
every few seconds never trips them and holds the request (and the credentials lock with it)
forever. `RequestDeadline` is handed to httpx2 as the `trace` extension: it learns the request's
socket when the connection is made, and a timer shuts that socket down when the deadline passes,
which ends any read or write in progress. The client it serves must not keep connections alive
(a reused connection is never announced to the trace), so every request connects anew.

Name resolution happens before the socket exists and is bounded by the resolver's own timeouts.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    import socket
    from typing import Any

# threading and socket load with the first RequestDeadline: the usage fetch imports only this limit.
MAX_RESPONSE_BYTES = 1 << 20  # no token, discovery or error document comes near this


class RequestDeadline:
    """`with RequestDeadline(s) as deadline: client.request(..., extensions={"trace": deadline.trace})`."""

    def __init__(self, seconds: float):
        import threading

        self.seconds = seconds
        self.expired = False
        self._ends = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> RequestDeadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return self._ends - time.monotonic()

    def check(self) -> None:
        """Raise TimeoutError once the deadline has passed (for loops reading a stream)."""
        if self.expired or self.remaining() <= 0:
            self.expired = True
            raise TimeoutError

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if not event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Shut the connection down through a duplicate descriptor: the request's own socket object
    (a TLS one too) is left to the thread reading from it, which sees the end of the stream."""
    import socket

    try:
        duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
    except (OSError, ValueError):
        return  # already closed: nothing left to stop
    with duplicate:
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
