"""Copy helpers: the system clipboard via pyperclip, and the OSC 52 sequence a terminal UI can emit."""

from __future__ import annotations

import base64
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping


def copy(text: str) -> bool:
    """Put `text` on the system clipboard; False when there is no clipboard (SSH, headless Linux)."""
    try:
        import pyperclip

        pyperclip.copy(text)
        return True
    except Exception:  # pyperclip raises its own exception types, or OSError from a missing helper
        return False


def osc52(text: str, *, env: Mapping[str, str] | None = None) -> str:
    """The escape sequence that asks the terminal to set its clipboard; wrapped for tmux/screen."""
    env = os.environ if env is None else env
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if env.get("TMUX"):
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if env.get("TERM", "").startswith("screen"):
        return "\x1bP" + sequence + "\x1b\\"
    return sequence
