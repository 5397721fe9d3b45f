"""Step screen: keep, update or reset the existing configuration. Fields come from wizard.steps.existing."""

from __future__ import annotations

from screens.step_screen import StepScreen


class ExistingScreen(StepScreen):
    STEP_ID = "existing"
