"""The footer in the user's language: binding descriptions are `M(...)` messages, shown localized."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from wizard.i18n import localize


class LocalizedFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = localize(widget.description)
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = localize(widget.tooltip)
            yield widget
