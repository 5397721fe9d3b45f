"""Step screen: channels and their tokens (or pair later). Fields come from wizard.steps.channels."""

from __future__ import annotations

from screens.step_screen import StepScreen


class ChannelsScreen(StepScreen):
    STEP_ID = "channels"
