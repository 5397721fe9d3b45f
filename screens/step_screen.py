"""The screen for one step: its fields (live applicability and validation from the machine) and Back/Next.

Per-step modules subclass this with their STEP_ID; the Authorization screen adds the sign-in panel.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from screens.notice import Notice
from screens.base import WizardScreen
from screens.field_row import FieldRow


class StepScreen(WizardScreen):
    STEP_ID: ClassVar[str] = ""
    EXTRA_AFTER: ClassVar[str | None] = None  # the field key after which compose_extra() goes (None: at the end)
    BINDINGS = [Binding("ctrl+s", "skip", "Skip")]

    class SkipRequested(Message):
        """Leave this step as the config has it and move on."""

        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id

    class NextRequested(Message):
        """Validate and record these values, then advance (the App asks the machine)."""

        def __init__(self, step_id: str, values: dict) -> None:
            super().__init__()
            self.step_id = step_id
            self.values = values

    def __init__(self, machine, initial: dict, *, blink: bool = True) -> None:
        super().__init__(machine, self.STEP_ID)
        self.step = next(s for s in machine.steps if s.id == self.STEP_ID)
        self.initial = initial
        self.blink = blink
        self.submitted = False  # Next was tried: show every message, touched or not

    # --- composing ---------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        total = len(self.machine.steps)
        yield Static(f"Step {self.step.number} of {total} · {self.step.title}", id="step-title")
        yield Static(self.step.summary, id="step-summary")
        answers = self.machine.answers(self.STEP_ID, self.initial)
        with VerticalScroll(id="form"):
            for fld in self.step.fields:
                fld = fld.available(answers, self.machine.ctx)  # only the options that apply here
                yield FieldRow(fld, self.initial.get(fld.key), blink=self.blink)
                if fld.key == self.EXTRA_AFTER:
                    yield from self.compose_extra()
            if self.EXTRA_AFTER is None:
                yield from self.compose_extra()
        yield Notice("", id="step-error")
        with Horizontal(id="nav"):
            yield Button("Back", id="back", disabled=not self.machine.trail, compact=True)
            yield Static("", classes="nav-spacer")
            yield Button(self.next_label(), id="next", variant="primary", compact=True)

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def next_label(self) -> str:
        return "Next"

    def prepare(self) -> None:
        self.refresh_fields()
        self.initial_focus().focus()

    def initial_focus(self):
        rows = self.visible_rows()
        return rows[0].input if rows else self.query_one("#next", Button)

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
            if value is None and row.field.kind == "secret":
                value = row.field.default_for(self.machine.answers(self.STEP_ID, values), self.machine.ctx) or ""
            values[row.key] = value
        return values

    # --- live applicability and validation -----------------------------------------------

    def refresh_fields(self) -> None:
        draft = self.draft()
        shown = {f.key for f in self.machine.fields(self.STEP_ID, draft)}
        _, errors = self.machine.check(self.STEP_ID, draft)
        for row in self.rows():
            if row.display != (row.key in shown):
                row.display = row.key in shown
            visible_error = errors.get(row.key) if (row.touched or self.submitted) else None
            row.show_error(visible_error)
        self.on_draft_changed(draft, errors)

    def on_draft_changed(self, draft: dict, errors: dict[str, str]) -> None:
        """Hook for screens that show more than fields (the sign-in panel)."""

    def show_errors(self, errors: dict[str, str]) -> None:
        """Next was refused: every message beside its field, focus on the first one."""
        self.submitted = True
        self.refresh_fields()
        for row in self.visible_rows():
            if row.key in errors:
                row.input.focus()
                row.scroll_visible()
                break

    def show_step_error(self, text: str) -> None:
        self.query_one("#step-error", Static).update(text)

    # --- events --------------------------------------------------------------------------

    def on_field_row_edited(self, event: FieldRow.Edited) -> None:
        self.refresh_fields()

    def on_field_row_left(self, event: FieldRow.Left) -> None:
        self.refresh_fields()

    def on_field_row_submitted(self, event: FieldRow.Submitted) -> None:
        self.refresh_fields()
        self.advance_from(event.row)

    def advance_from(self, row: FieldRow) -> None:
        """Enter in a text field: the next field, or Next on the last one."""
        rows = self.visible_rows()
        if row is rows[-1]:
            self.action_next()
        else:
            rows[rows.index(row) + 1].input.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            event.stop()
            self.action_next()
        elif event.button.id == "back":
            event.stop()
            self.action_back()

    def action_next(self) -> None:
        self.post_message(self.NextRequested(self.STEP_ID, self.draft()))

    def action_skip(self) -> None:
        self.post_message(self.SkipRequested(self.STEP_ID))
