"""Review: the plan (what will be written, secrets by name only, the config diff) before anything is."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from screens.base import WizardScreen
from screens.bullet_list import BulletList
from screens.notice import Notice
from screens.text import sentence
from wizard.i18n import M, localize


def diff_text(diff: str) -> Content:
    """A unified diff with + and - lines in the theme's own success/error text colours (readable in both)."""
    parts: list[tuple[str, str]] = []
    for line in diff.splitlines():
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "$text-success"
        elif line.startswith("-"):
            style = "$text-error"
        elif line.startswith("@@"):
            style = "$text-primary"
        parts.append((line + "\n", style))
    return Content.assemble(*parts)


def plan_line(line: str) -> Text:
    """A line of the plan as a sentence; a warning stands out (its `warning:` tag is the same in every language)."""
    shown = localize(line)
    if shown.startswith("warning: "):
        return Text("⚠ " + sentence(shown.removeprefix("warning: ")), style="bold", overflow="fold")
    return Text(sentence(shown), overflow="fold")


class ReviewScreen(WizardScreen):
    BINDINGS = [Binding("ctrl+n", "next", M("Finish"), key_display="enter")]

    class FinishRequested(Message):
        """Write the plan (the App applies it)."""

    def __init__(self, machine, plan) -> None:
        super().__init__(machine, "review")
        self.plan = plan

    def compose_body(self) -> ComposeResult:
        yield Static(localize(M("Review · nothing has been written yet")), id="step-title")
        yield Static(localize(M("Finish writes exactly this; Back changes an answer; Ctrl+Q quits, writing nothing.")),
                     id="step-summary")
        with VerticalScroll(id="form"):
            yield Static(localize(M("What will happen")), classes="field-label")
            yield BulletList([plan_line(line) for line in self.plan.lines()], id="plan-lines")
            diff = self.plan.diff(for_people=True)
            heading = M("Configuration changes") if diff else M("Configuration: no changes")
            yield Static(localize(heading), classes="field-label")
            if diff:
                yield Static(diff_text(diff), id="plan-diff")
        yield Notice("", id="step-error")
        with Horizontal(id="nav"):
            yield Button(localize(M("Back")), id="back", disabled=not self.can_go_back(), compact=True)
            yield Static("", classes="nav-spacer")
            yield Button(localize(M("Finish")), id="next", variant="success", compact=True)

    def prepare(self) -> None:
        self.query_one("#next", Button).focus()

    def action_next(self) -> None:
        self.post_message(self.FinishRequested())

    def show_step_error(self, text: str) -> None:
        self.query_one("#step-error", Static).update(Text(localize(text)))
