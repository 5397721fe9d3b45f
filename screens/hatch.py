"""Step screen: the agent's name, workspace and persona. Fields come from wizard.steps.hatch."""

from __future__ import annotations

from screens.step_screen import StepScreen


class HatchScreen(StepScreen):
    STEP_ID = "hatch"
