"""Step screen: the flow, the risk acknowledgement and (Manual) the gateway. Fields come from wizard.steps.quickstart."""

from __future__ import annotations

from screens.step_screen import StepScreen


class QuickStartScreen(StepScreen):
    STEP_ID = "quickstart"
