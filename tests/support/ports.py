"""Which callback ports a test may bind.

openai-codex is registered for 127.0.0.1:1455 and :1457 only. Binding those on the machine's own network
would disturb anyone signing in while the tests run (and another checkout's suite), so the tests bind
them only inside a private network namespace (`unshare -rn`, see tests/e2e/test_codex_ports.py), which
the outer run marks with OPENCLAW_TEST_NETNS=<its own namespace's inode>. Everywhere else the tests
point openai-codex at two ports chosen free, through `redirect_ports` in providers.toml.
"""

from __future__ import annotations

import os
import socket

REGISTERED_CODEX_PORTS = (1455, 1457)
NETNS_ENV = "OPENCLAW_TEST_NETNS"


def network_namespace() -> int:
    return os.stat("/proc/self/ns/net").st_ino


def in_private_netns() -> bool:
    """True inside the namespace the outer run made; a claim without a new namespace is an error."""
    outer = os.environ.get(NETNS_ENV)
    if not outer:
        return False
    if int(outer) == network_namespace():
        raise RuntimeError(f"{NETNS_ENV} is set but this is the machine's own network namespace; "
                           "refusing to bind 1455/1457 here")
    return True


def free_ports(count: int) -> tuple[int, ...]:
    """`count` distinct ports on 127.0.0.1 that were free a moment ago (held together, so never equal)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def codex_ports() -> tuple[int, int]:
    if in_private_netns():
        return REGISTERED_CODEX_PORTS
    first, second = free_ports(2)
    return first, second
