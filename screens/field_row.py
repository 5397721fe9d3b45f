"""One field of a step, rendered by kind: label, help, the input widget, a note, the inline message.

Generic on purpose: what a field is (kind, options, help, default, note) comes from wizard/steps;
this only maps each kind to a widget (WIDGETS) and reads the raw value back (and sets it, when a
default follows another answer).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from screens.inputs import ChoiceButton, ChoiceSet, LineInput, MultiSelect, NoteArea, Switch
from screens.notice import Notice
from screens.text import sentence
from wizard.i18n import M, localize
from wizard.steps.base import Field, Option, SecretValue

SECRET_HINTS = {"generated": M("generated for you; leave empty to keep it"),
                "existing": M("already stored; leave empty to keep it"),
                "env": M("from the environment; leave empty to keep it"),
                "file": M("from a file; leave empty to keep it"),
                "stdin": M("from stdin; leave empty to keep it")}


class FieldRow(Vertical):
    """Posts Edited when the value changes and Left when focus leaves it (messages up)."""

    class Edited(Message):
        def __init__(self, row: FieldRow) -> None:
            super().__init__()
            self.row = row

    class Left(Edited):
        """Focus left the field: time to show its message."""

    def __init__(self, field: Field, value: Any, *, blink: bool = True) -> None:
        super().__init__(classes=f"field-row -kind-{field.kind.name}", id=f"row-{field.key}")
        self.field = field
        self.initial = value
        self.blink = blink
        self.touched = False
        self.shown_error: str | None = None
        self.fallback: SecretValue | None = None  # a secret kept when the box is left empty
        self.field_note: str | None = None  # what the step says with this field (from the machine)
        self.paste_note: str | None = None  # what a paste of several lines kept, until focus leaves

    # --- composing ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        fld = self.field
        if not fld.kind.is_switch:
            yield Static(localize(fld.label), classes="field-label")
        yield Static(localize(fld.help), classes="field-help")
        yield self._make_input()
        if fld.options:
            yield Static("", classes="option-help")
        yield Notice("", classes="field-note")
        yield Static("", classes="field-error")

    def _make_input(self) -> Widget:
        return WIDGETS.get(self.field.kind.name, FieldRow._make_text)(self, f"field-{self.field.key}")

    def _make_choice(self, wid: str) -> Widget:
        fld = self.field
        return ChoiceSet(*[ChoiceButton(localize(o.label), value=o.value == self.initial, id=f"opt-{fld.key}-{o.value}")
                           for o in fld.options], id=wid)

    def _make_multi(self, wid: str) -> Widget:
        chosen = set(self.initial or [])
        return MultiSelect(*[(localize(o.label), o.value, o.value in chosen) for o in self.field.options], id=wid)

    def _make_switch(self, wid: str) -> Widget:
        return Switch(localize(self.field.label), value=bool(self.initial), id=wid)

    def _make_text(self, wid: str) -> Widget:
        value = self.initial
        return self._input(wid, "" if value is None else str(value), self.field.placeholder, password=False)

    def _make_multiline(self, wid: str) -> Widget:
        area = NoteArea("" if self.initial is None else str(self.initial), id=wid, soft_wrap=True,
                        show_line_numbers=False, compact=True)
        area.cursor_blink = self.blink
        return area

    def _make_secret(self, wid: str) -> Widget:
        value = self.initial
        typed = ""
        if isinstance(value, SecretValue):
            if value.origin == "typed":
                typed = value.value
            else:
                self.fallback = value
        elif isinstance(value, str):
            typed = value
        hint = SECRET_HINTS.get(self.fallback.origin, "") if self.fallback else self.field.placeholder
        return self._input(wid, typed, hint, password=True)

    def _input(self, wid: str, value: str, placeholder: str, *, password: bool) -> Input:
        box = LineInput(value=value, placeholder=localize(placeholder), password=password, id=wid, compact=True)
        box.cursor_blink = self.blink
        return box

    def on_mount(self) -> None:
        self.update_option_help()

    # --- reading and setting -------------------------------------------------------------

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def input(self) -> Widget:
        return self.query_one(f"#field-{self.field.key}")

    def value(self) -> Any:
        """The raw value as the machine's check() takes it; None for an empty secret with no fallback."""
        widget = self.input
        if isinstance(widget, ChoiceSet):
            index = widget.pressed_index
            return self.field.options[index].value if index >= 0 else None
        if isinstance(widget, MultiSelect):
            chosen = set(widget.selected)
            return [o.value for o in self.field.options if o.value in chosen]
        if isinstance(widget, Switch):
            return widget.value
        if isinstance(widget, NoteArea):
            return widget.text
        assert isinstance(widget, Input)
        if self.field.kind.is_secret:
            return widget.value or self.fallback
        return widget.value

    def set_value(self, value: Any) -> None:
        """Show a value the machine worked out (a default following another answer); secrets are left alone."""
        widget = self.input
        if isinstance(widget, ChoiceSet):
            # Pressing the button lets the set turn the others off; its Changed finds nothing more to follow.
            for button in widget.query(ChoiceButton):
                if button.id == f"opt-{self.key}-{value}":
                    button.value = True
        else:
            with widget.prevent(Input.Changed, NoteArea.Changed, Switch.Changed, MultiSelect.SelectedChanged):
                if isinstance(widget, Switch):
                    widget.value = bool(value)
                elif isinstance(widget, NoteArea):
                    widget.text = "" if value is None else str(value)
                elif isinstance(widget, MultiSelect):
                    widget.deselect_all()
                    for item in value or []:
                        widget.select(item)
                elif isinstance(widget, Input) and not self.field.kind.is_secret:
                    widget.value = "" if value is None else str(value)
        self.update_option_help()

    def cursor_option(self) -> Option | None:
        """The option the help line describes: under the cursor while the group has focus, else the chosen one."""
        widget = self.input
        options = self.field.options
        if isinstance(widget, ChoiceSet):
            index = widget.cursor_index if widget.has_focus and widget.cursor_index is not None \
                else widget.pressed_index
            return options[index] if index is not None and 0 <= index < len(options) else None
        if isinstance(widget, MultiSelect):
            highlighted = widget.highlighted
            return options[highlighted] if highlighted is not None else None
        return None

    # --- showing -----------------------------------------------------------------------

    def show_error(self, message: str | None) -> None:
        if message == self.shown_error:
            return
        self.shown_error = message
        error = self.query_one(".field-error", Static)
        error.update(Text("✖ " + self.error_sentence(message)) if message else "")
        self.set_class(bool(message), "-invalid")

    def show_note(self, text: str | None) -> None:
        self.field_note = text
        notes = [sentence(note) for note in (self.paste_note, self.field_note) if note]
        self.query_one(".field-note", Notice).update(Text("\n".join(notes)) if notes else "")

    def error_sentence(self, message: str) -> str:
        """Messages written to follow the field's name ("must be ...") get it; others stand alone.
        (The English text decides: a message's value is English in every language.)"""
        if message.startswith(("must ", "is ", "needs ", "unknown")):
            return localize(M("{label} {message}", label=self.field.label, message=message))
        return sentence(message)

    def update_option_help(self) -> None:
        if not self.field.options:
            return
        option = self.cursor_option()
        self.query_one(".option-help", Static).update(
            Text(localize(M("{option}: {help}", option=option.label, help=option.help)))
            if option and option.help else "")

    # --- events up -------------------------------------------------------------------------

    def _edited(self) -> None:
        self.touched = True
        self.update_option_help()
        self.post_message(self.Edited(self))

    def on_radio_set_changed(self, event: ChoiceSet.Changed) -> None:
        event.stop()
        self._edited()

    def on_descendant_focus(self) -> None:
        self.update_option_help()

    def on_choice_set_cursor_moved(self, event: ChoiceSet.CursorMoved) -> None:
        event.stop()
        self.update_option_help()

    def on_selection_list_selection_toggled(self, event) -> None:
        event.stop()

    def on_selection_list_selected_changed(self, event: MultiSelect.SelectedChanged) -> None:
        event.stop()
        self._edited()

    def on_selection_list_selection_highlighted(self, event) -> None:
        event.stop()
        self.update_option_help()

    def on_checkbox_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self._edited()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.touched = True
        self.post_message(self.Edited(self))

    def on_text_area_changed(self, event: NoteArea.Changed) -> None:
        event.stop()
        self.touched = True
        self.post_message(self.Edited(self))

    def on_line_input_multi_line_paste(self, event: LineInput.MultiLinePaste) -> None:
        event.stop()
        self.paste_note = M("Pasted {lines} lines; this box takes one, so it kept the first.", lines=event.lines)
        self.show_note(self.field_note)

    def on_descendant_blur(self) -> None:
        if self.paste_note:
            self.paste_note = None
            self.show_note(self.field_note)
        self.touched = True
        self.update_option_help()
        self.post_message(self.Left(self))


# Each kind's widget; a kind not named here is typed into a one-line box.
WIDGETS = {"choice": FieldRow._make_choice, "multi": FieldRow._make_multi, "bool": FieldRow._make_switch,
           "secret": FieldRow._make_secret, "multiline": FieldRow._make_multiline}
