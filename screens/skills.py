"""Step screen: skills from the bundled catalog, with what this machine is missing for them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.step_screen import StepScreen
from wizard.steps.skills import catalog, missing_binaries


class SkillsScreen(StepScreen):
    STEP_ID = "skills"

    def compose_extra(self) -> ComposeResult:
        yield Static(self.requirements_text(), id="skill-requirements", classes="field-help")

    def requirements_text(self) -> str:
        missing = [(skill["name"], missing_binaries(skill, self.machine.ctx)) for skill in catalog()]
        lacking = [f"{name} needs {', '.join(binaries)}" for name, binaries in missing if binaries]
        if not lacking:
            return "This machine has every program these skills need."
        return "Not found on this machine: " + "; ".join(lacking) + "."
