"""The ways to sign in, with what a person reads about each (messages: shown in the user's language).
Standard library only (the CLI's parser lists them on every start)."""

from __future__ import annotations

from wizard.i18n import M

# (value, label, help)
SIGN_IN_METHODS: tuple[tuple[str, str, str], ...] = (
    ("browser", M("Browser"), M("open the sign-in page; the browser comes back to this machine")),
    ("device", M("Device code"), M("enter a short code on another device (best over SSH)")),
    ("paste", M("Paste"), M("open the URL anywhere, then paste the address you land on")),
)
NAMES: tuple[str, ...] = tuple(value for value, _, _ in SIGN_IN_METHODS)
