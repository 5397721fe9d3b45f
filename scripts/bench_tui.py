"""Time to first paint, measured from outside as a person sees it: a tmux pane (80x24) runs the
real command, and the bench reads the screen until the marker text (the screen's title) is on it.

A private tmux server (its own socket, no user config) runs every measured pane; when the bench
runs as root it is started inside a new network namespace, so a peer that binds the well-known
sign-in callback port (OpenClaw's sign-in screen binds 1455) never collides with another
program on this machine. The screen is read through one control-mode client, so polling spawns no
process that would compete with the measured one for the CPU.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchlib import CommandFailed, Sample

WIDTH, HEIGHT = 80, 24
POLL_S = 0.005


class Tmux:
    def __init__(self, log: Callable[[str], None]) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is needed for the first-paint figures (apt-get install tmux)")
        self.socket = f"openclaw-bench-{os.getpid()}"
        self.count = 0
        self.private_network = os.geteuid() == 0 and bool(shutil.which("unshare")) and bool(shutil.which("ip"))
        launcher = ["unshare", "--net"] if self.private_network else []
        keepalive = "ip link set lo up 2>/dev/null; echo bench-ready; exec sleep 86400"
        subprocess.run([*launcher, "tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", "keep",
                        "-x", str(WIDTH), "-y", str(HEIGHT), keepalive], check=True)
        if not self.private_network:
            log("not root: the tmux panes share the machine's network (a peer's callback port may collide)")
        self.control = subprocess.Popen(["tmux", "-L", self.socket, "-C", "attach", "-t", "keep"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self._wait_for("keep", "bench-ready", time.monotonic(), 10.0)
        self.socket_path = self.command("display-message -p '#{socket_path}'")[0]

    def command(self, line: str) -> list[str]:
        """One tmux command through the control client; its output lines."""
        assert self.control.stdin is not None and self.control.stdout is not None
        self.control.stdin.write(line + "\n")
        self.control.stdin.flush()
        out: list[str] = []
        inside = ours = False
        for raw in self.control.stdout:
            text = raw.rstrip("\n")
            if not inside:
                # A reply is a %begin ... %end block; flags 1 marks a command this client sent (the
                # attach's own block has 0). Lines outside blocks are notifications.
                inside = text.startswith("%begin")
                ours = inside and text.split()[-1] == "1"
                continue
            if text.startswith(("%end", "%error")):
                inside = False
                if not ours:
                    continue
                if text.startswith("%error"):
                    raise RuntimeError(f"tmux {line!r}: {' '.join(out)}")
                return out
            if ours:
                out.append(text)
        raise RuntimeError("the tmux control client went away")

    def first_paint(self, shell_command: str, marker: str, timeout: float,
                    settle: Callable[[], None] | None = None) -> Sample:
        """Start `shell_command` in a new 80x24 pane; seconds until `marker` is on screen, and the peak
        RSS (VmHWM) of the pane's process tree at that moment. `settle` runs before the pane is closed."""
        self.count += 1
        session = f"m{self.count}"
        start = time.monotonic()
        pid = int(self.command(f"new-session -d -P -F '#{{pane_pid}}' -s {session} -x {WIDTH} -y {HEIGHT} "
                               f"{shlex.quote(shell_command)}")[0])
        procs: list[Proc] = []
        try:
            wall = self._wait_for(session, marker, start, timeout)
            procs = _descendants(pid)
            sample = Sample(wall, _tree_peak_mib(pid), _tree_cpu_s(procs))
            if settle is not None:
                settle()
            return sample
        finally:
            procs = procs or _descendants(pid)
            self.command(f"kill-session -t {session}")
            _reap(procs)

    def _wait_for(self, session: str, marker: str, start: float, timeout: float) -> float:
        while True:
            screen = "\n".join(self.command(f"capture-pane -p -t {session}"))
            if marker in screen:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise CommandFailed(f"{marker!r} not on screen within {timeout:g} s; the screen:\n{screen}")
            time.sleep(POLL_S)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)
        self.control.wait(timeout=10)
        Path(self.socket_path).unlink(missing_ok=True)  # tmux leaves its socket file behind


def pane_command(argv: Sequence[str], env: dict[str, str]) -> str:
    """A pane command that runs argv with exactly `env` (plus the pane's TERM), exec'd so that the
    pane's process is the measured program itself."""
    assignments = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items() if k != "TERM")
    return f'exec env -i TERM="$TERM" {assignments} {shlex.join(argv)}'


Proc = tuple[int, str]  # (pid, start time): a pid alone may be reused by another program


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[19]


def _descendants(pid: int) -> list[Proc]:
    tree: dict[int, list[Proc]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            tree.setdefault(stat[0], []).append((int(entry), stat[1]))
    root = _stat(pid)
    if root is None:
        return []
    found, todo = [], [(pid, root[1])]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current[0], []))
    return found


def _alive(proc: Proc) -> bool:
    stat = _stat(proc[0])
    return stat is not None and stat[1] == proc[1]


def _tree_peak_mib(pid: int) -> float | None:
    """The largest VmHWM in the process tree (as wait4's ru_maxrss is the largest of a child and its
    reaped descendants)."""
    peaks = []
    for each, _ in _descendants(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return max(peaks) if peaks else None


def _tree_cpu_s(procs: list[Proc]) -> float | None:
    """CPU time (user + system, with reaped children's) of the tree so far; clock-tick resolution."""
    ticks = 0
    for pid, _ in procs:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK") or None


def _reap(procs: list[Proc], timeout: float = 10.0) -> None:
    """Wait until the pane's processes (started by this bench) are gone, so no sample overlaps the next;
    SIGKILL those (the same pid and start time) that outlive the hangup."""
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in procs):
        if time.monotonic() > deadline:
            for proc in procs:
                if _alive(proc):
                    os.kill(proc[0], signal.SIGKILL)
            deadline = time.monotonic() + timeout
        time.sleep(0.01)
