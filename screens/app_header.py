"""The one-line header: the wizard's name and the config file it will write (whole path in the tooltip)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from wizard.i18n import M, localize
from wizard.render import short_path


class AppHeader(Horizontal):
    def __init__(self, config_path: str) -> None:
        super().__init__(id="app-header")
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        yield Static("◆ OpenClaw onboard", id="app-title")
        path = Static(localize(M("config: {path}", path=short_path(self.config_path))), id="app-config-path")
        path.tooltip = self.config_path
        yield path
