"""The real `openclaw onboard` in a real pseudo-terminal: a terminal gets the TUI, straight on the asked step."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time

from tests.conftest import openclaw_argv
from tests.support import children


def read_until(fd: int, marker: bytes, timeout: float = 20) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{marker!r} never appeared; the screen had: {seen[-2000:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return seen


def test_terminal_run_opens_the_tui_on_authorization_and_quits_writing_nothing(cli_env, state_dir, tmp_path):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(cli_env, TERM="xterm-256color")
    proc = children.popen(openclaw_argv("onboard", "--auth-choice", "openai-codex", "--no-browser"),
                          stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path, start_new_session=True)
    os.close(slave)
    try:
        screen = read_until(master, b"Authorization")
        assert b"running headless" not in screen
        read_until(master, b"Sign in")
        os.write(master, b"\x11")  # Ctrl+Q: the confirm modal
        read_until(master, b"Nothing will be written")
        os.write(master, b"y")
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert code == 130
    assert list(state_dir.iterdir()) == []
