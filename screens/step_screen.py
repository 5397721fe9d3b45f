"""The screen for any step: its fields (live applicability, validation and following defaults from the
machine), the step's note about this machine, and Back/Next. Every step uses it; what differs between
steps is data in wizard/steps.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from screens.base import WizardScreen
from screens.field_row import FieldRow
from screens.notice import Notice
from wizard.i18n import M, localize


class StepScreen(WizardScreen):
    BINDINGS = [Binding("ctrl+s", "skip", M("Skip"))]
    AUTO_FOCUS = ""  # prepare() focuses the first field; Textual's "*" would focus the form and restyle every field

    class SkipRequested(Message):
        """Leave this step as the config has it and move on."""

        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id

    class NextRequested(Message):
        """Validate and record these values, then advance (the App asks the machine)."""

        def __init__(self, step_id: str, values: dict[str, Any]) -> None:
            super().__init__()
            self.step_id = step_id
            self.values = values

    def __init__(self, machine, step_id: str, initial: dict[str, Any], *, blink: bool = True,
                 focus_next: bool = False) -> None:
        super().__init__(machine, step_id)
        self.step = machine.step_named(step_id)
        self.initial = initial
        self.blink = blink
        self.next_first = focus_next  # every answer was given already (--auth-choice): Next is the one key to press
        self.submitted = False  # Next was tried: show every message, touched or not
        self.last_draft: dict[str, Any] = {}

    @property
    def step_id(self) -> str:
        return self.step.id

    # --- composing ---------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static(localize(M("Step {number} of {count} · {title}", number=self.step.number,
                                count=len(self.machine.steps), title=self.step.title)), id="step-title")
        yield Static(localize(self.step.summary), id="step-summary")
        answers = self.machine.answers(self.step_id, self.initial)
        with VerticalScroll(id="form"):
            for fld in self.step.fields:
                fld = fld.available(answers, self.machine.ctx)  # only the options that apply here
                yield FieldRow(fld, self.initial.get(fld.key), blink=self.blink)
            note = self.step.note(self.machine.ctx) if self.step.note else None
            if note:
                yield Static(localize(note), id="step-note", classes="field-help")
        yield Notice("", id="step-error")
        with Horizontal(id="nav"):
            yield Button(localize(M("Back")), id="back", disabled=not self.can_go_back(), compact=True)
            yield Static("", classes="nav-spacer")
            yield Button(localize(M("Next")), id="next", variant="primary", compact=True)

    def prepare(self) -> None:
        self.refresh_fields()
        self.last_draft = self.draft()
        self.initial_focus().focus()

    def initial_focus(self) -> Widget:
        rows = self.visible_rows()
        if self.next_first or not rows:
            return self.query_one("#next", Button)
        return rows[0].input

    # --- reading -------------------------------------------------------------------------

    def rows(self) -> list[FieldRow]:
        return list(self.query(FieldRow))

    def visible_rows(self) -> list[FieldRow]:
        return [r for r in self.rows() if r.display]

    def draft(self) -> dict[str, Any]:
        """Raw values of every field; an empty secret falls back to the field's default."""
        values: dict[str, Any] = {}
        for row in self.rows():
            value = row.value()
            if value is None and row.field.kind.is_secret:
                value = row.field.default_for(self.machine.answers(self.step_id, values), self.machine.ctx) or ""
            values[row.key] = value
        return values

    # --- live applicability, following defaults and validation ------------------------------

    def refresh_fields(self) -> None:
        draft = self.draft()
        shown = {f.key: f for f in self.machine.fields(self.step_id, draft)}
        _, errors = self.machine.check(self.step_id, draft)
        answers = self.machine.answers(self.step_id, draft)
        for row in self.rows():
            if row.display != (row.key in shown):
                row.display = row.key in shown
            visible_error = errors.get(row.key) if (row.touched or self.submitted) else None
            row.show_error(visible_error)
            if row.key in shown:
                row.show_note(shown[row.key].note_for(answers, self.machine.ctx))

    def follow_defaults(self) -> None:
        """Defaults that depend on the answer just changed move with it, until the user edits them."""
        draft = self.draft()
        followed = self.machine.follow_defaults(self.step_id, self.last_draft, draft)
        for row in self.rows():
            if followed.get(row.key) != draft.get(row.key) and not row.field.kind.is_secret:
                row.set_value(followed[row.key])
        self.last_draft = self.draft()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Next was refused: every message beside its field, focus on the first field that needs an answer."""
        self.submitted = True
        self.refresh_fields()
        for row in self.visible_rows():
            if row.key in errors:
                row.input.focus()
                row.scroll_visible(animate=False)
                break

    def show_step_error(self, text: str) -> None:
        self.query_one("#step-error", Static).update(text)

    # --- events --------------------------------------------------------------------------

    def on_field_row_edited(self, event: FieldRow.Edited) -> None:
        self.follow_defaults()
        self.refresh_fields()

    def on_field_row_left(self, event: FieldRow.Left) -> None:
        self.refresh_fields()


    def action_next(self) -> None:
        self.post_message(self.NextRequested(self.step_id, self.draft()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed and action == "skip" and self.step.required is not None:
            return not self.step.required(self.machine.ctx)  # a step that must be answered has no Skip
        return allowed

    def action_skip(self) -> None:
        self.post_message(self.SkipRequested(self.step_id))
