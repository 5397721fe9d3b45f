"""Starting child processes the way a user's shell would, whatever the test runner inherited.

A runner started in the background (`pytest &` in a script, some CI agents) has SIGINT, and sometimes
SIGTERM, ignored; an ignored disposition survives exec, so every child would ignore Ctrl-C too and the
interrupt tests would fail for a reason that has nothing to do with the product. Every test that starts
a process goes through `popen` / `run` here, which reset both signals to their defaults in the child.
"""

from __future__ import annotations

import signal
import subprocess

DEFAULT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def default_signals() -> None:
    """preexec_fn: SIGINT and SIGTERM back to SIG_DFL in the child, before exec."""
    for sig in DEFAULT_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


def popen(argv: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(argv, preexec_fn=default_signals, **kwargs)


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, preexec_fn=default_signals, **kwargs)


def ignored_signals(pid: int) -> set[int]:
    """The signals process `pid` ignores, from the SigIgn mask in /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as status:
        mask = next(int(line.split()[1], 16) for line in status if line.startswith("SigIgn:"))
    return {bit + 1 for bit in range(64) if mask >> bit & 1}
