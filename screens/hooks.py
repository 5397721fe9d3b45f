"""Step screen: built-in hooks and an optional webhook. Fields come from wizard.steps.hooks."""

from __future__ import annotations

from screens.step_screen import StepScreen


class HooksScreen(StepScreen):
    STEP_ID = "hooks"
