"""Step screen: skills from the bundled catalog, with what this machine is missing for them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.step_screen import StepScreen
from wizard.steps.skills import requirements_summary


class SkillsScreen(StepScreen):
    STEP_ID = "skills"

    def compose_extra(self) -> ComposeResult:
        yield Static(requirements_summary(self.machine.ctx), id="skill-requirements", classes="field-help")
