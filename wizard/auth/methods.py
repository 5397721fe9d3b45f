"""The ways to sign in, with what a person reads about each. Standard library only (the CLI's
parser lists them on every start)."""

from __future__ import annotations

# (value, label, help)
SIGN_IN_METHODS: tuple[tuple[str, str, str], ...] = (
    ("browser", "Browser", "open the sign-in page; the browser comes back to this machine"),
    ("device", "Device code", "enter a short code on another device (best over SSH)"),
    ("paste", "Paste", "open the URL anywhere, then paste the address you land on"),
)
NAMES: tuple[str, ...] = tuple(value for value, _, _ in SIGN_IN_METHODS)
