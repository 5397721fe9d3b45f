"""Review: the plan (what will be written, secrets by name only, the config diff) before anything is."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from screens.base import WizardScreen
from screens.bullet_list import BulletList
from screens.notice import Notice


def diff_text(diff: str) -> Text:
    """A unified diff with + and - lines coloured by the theme-neutral diff styles."""
    text = Text(no_wrap=False, overflow="fold")
    for line in diff.splitlines():
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        text.append(line + "\n", style=style)
    return text


class ReviewScreen(WizardScreen):
    class FinishRequested(Message):
        """Write the plan (the App applies it)."""

    def __init__(self, machine, plan) -> None:
        super().__init__(machine, "review")
        self.plan = plan

    def compose_body(self) -> ComposeResult:
        yield Static("Review · nothing has been written yet", id="step-title")
        yield Static("Finish writes exactly this; Back changes an answer; q quits writing nothing.",
                     id="step-summary")
        with VerticalScroll(id="form"):
            yield Static("What will happen", classes="field-label")
            yield BulletList(self.plan.lines(), id="plan-lines")
            diff = self.plan.diff()
            yield Static("Configuration changes" if diff else "Configuration: no changes", classes="field-label")
            if diff:
                yield Static(diff_text(diff), id="plan-diff")
        yield Notice("", id="step-error")
        with Horizontal(id="nav"):
            yield Button("Back", id="back", disabled=not self.machine.trail, compact=True)
            yield Static("", classes="nav-spacer")
            yield Button("Finish", id="next", variant="success", compact=True)

    def prepare(self) -> None:
        self.query_one("#next", Button).focus()

    def action_next(self) -> None:
        self.post_message(self.FinishRequested())

    def show_step_error(self, text: str) -> None:
        self.query_one("#step-error", Static).update(Text(text))
