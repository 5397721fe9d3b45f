"""The one writer of what commands print: human lines on stderr, JSON on stdout.

With `--json`, stdout carries JSON only: one event per line (`onboard`, `login`) or one document
(`models ...`), and every error as an `error` event. Humans read stderr. Standard library only,
and json is imported only when JSON is written (the status path prints tables).

Human text is shown in the user's language (wizard/i18n.py); JSON is never translated, so a script
reads the same bytes whatever the locale.
"""

from __future__ import annotations

import sys

from wizard.i18n import localize

TYPE_CHECKING = False  # `typing` is not worth importing on the status path
if TYPE_CHECKING:
    from typing import IO, Any

    from wizard.errors import WizardError


class Output:
    def __init__(self, json_mode: bool = False, *, out: IO[str] | None = None, err: IO[str] | None = None):
        self.json_mode = json_mode
        self._out = out
        self._err = err

    @property
    def out(self) -> IO[str]:
        return self._out or sys.stdout

    @property
    def err(self) -> IO[str]:
        return self._err or sys.stderr

    def say(self, text: str) -> None:
        """A line for the person running the command (stderr, so stdout stays machine-readable)."""
        print(localize(text), file=self.err, flush=True)

    def print(self, text: str) -> None:
        """The command's own result for a person (a table, a reply) on stdout."""
        print(localize(text), file=self.out, flush=True)

    def event(self, name: str, **fields: Any) -> None:
        """One JSON-lines event on stdout, only with --json. Never pass a secret."""
        if self.json_mode:
            self._json({"event": name, **fields})

    def document(self, payload: dict[str, Any]) -> None:
        """The whole --json answer of a command that prints one document."""
        self._json(payload)

    def error(self, exc: WizardError) -> None:
        """How every command reports a failure: an `error` event with --json, the message on stderr."""
        self.event("error", **exc.as_dict())
        self.say(exc.render())

    def _json(self, payload: dict[str, Any]) -> None:
        import json

        print(json.dumps(payload), file=self.out, flush=True)
