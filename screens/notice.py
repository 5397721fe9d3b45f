"""A Static that takes no room while it has nothing to say (messages, notes, errors)."""

from __future__ import annotations

from textual.widgets import Static


class Notice(Static):
    def __init__(self, content="", **kwargs) -> None:
        super().__init__(content, **kwargs)
        self.display = bool(content)

    def update(self, content="", *, layout: bool = True) -> None:
        self.display = bool(content)
        super().update(content, layout=layout)
