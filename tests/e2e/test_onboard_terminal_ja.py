"""The real `openclaw onboard` in a real 80x24 pseudo-terminal, in Japanese: chosen by `--lang ja` or by
the locale (LANG=ja_JP.UTF-8, not installed here), the TUI speaks Japanese from its first screen to the
line it leaves in the terminal after quitting, and English stays English."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import termios

import pytest

from tests.conftest import openclaw_argv
from tests.e2e.test_onboard_terminal import read_until
from tests.support import children


def run_and_quit(cli_env: dict, tmp_path, args: tuple[str, ...], env: dict) -> tuple[int, bytes]:
    """Open the TUI on the Authorization step, quit with Ctrl+Q then y; (exit code, all the terminal got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = children.popen(openclaw_argv("onboard", *args, "--auth-choice", "openai-codex", "--no-browser"),
                          stdin=slave, stdout=slave, stderr=slave, env={**cli_env, "TERM": "xterm-256color", **env},
                          cwd=tmp_path, start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        seen += read_until(master, "ステップ 7/7".encode())
        seen += read_until(master, "終了".encode())  # the footer is drawn: keys work
        os.write(master, b"\x11")  # Ctrl+Q: the confirm modal
        seen += read_until(master, "何も書き込みません".encode())
        os.write(master, b"y")
        seen += read_until(master, "キャンセルしました".encode())
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, seen


@pytest.mark.parametrize(("args", "env"), [
    (("--lang", "ja"), {"LANG": "C.UTF-8"}),
    ((), {"LANG": "ja_JP.UTF-8"}),
], ids=["flag", "locale"])
def test_the_tui_speaks_japanese_and_quitting_says_so(cli_env, state_dir, tmp_path, args, env):
    code, seen = run_and_quit(cli_env, tmp_path, args, env)
    text = seen.decode("utf-8", "replace")
    assert code == 130
    assert list(state_dir.iterdir()) == []
    assert "オンボーディングを終了しますか？" in text
    assert "キャンセルしました。何も書き込んでいません" in text
    for english in ("Quit onboarding?", "Keep going", "Nothing will be written", "cancelled: nothing was written"):
        assert english not in text


def test_english_stays_english(cli_env, state_dir, tmp_path):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = children.popen(openclaw_argv("onboard", "--auth-choice", "openai-codex", "--no-browser"),
                          stdin=slave, stdout=slave, stderr=slave,
                          env={**cli_env, "TERM": "xterm-256color", "LANG": "C.UTF-8"},
                          cwd=tmp_path, start_new_session=True)
    os.close(slave)
    try:
        seen = read_until(master, b"Sign in")
        seen += read_until(master, b"Quit")
        os.write(master, b"\x11")
        seen += read_until(master, b"Quit onboarding?")
        os.write(master, b"y")
        seen += read_until(master, b"cancelled: nothing was written")
        assert proc.wait(timeout=20) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert "ステップ" not in seen.decode("utf-8", "replace")
