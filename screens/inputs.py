"""The input widgets of a step's fields, with one keyboard rule for all of them.

Enter is Next on every kind (it runs the screen's `next` action); Space toggles an option; the arrows
move the cursor within a group. The option under the cursor and the option chosen look different:
the cursor is a highlighted bar (only while the group has focus), the choice is a filled mark.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Checkbox, Input, OptionList, RadioButton, RadioSet, SelectionList, TextArea

from wizard.i18n import M

NEXT = Binding("enter", "screen.next", M("Next"), show=False)


def _mark(widget, opening: str, inner: str, closing: str) -> Content:
    style = widget.get_visual_style("toggle--button")
    return Content.assemble((opening, style), (inner, style), (closing, style))


class ChoiceButton(RadioButton):
    """`(●) Label` when chosen, `( ) Label` when not."""

    @property
    def _button(self) -> Content:
        return _mark(self, "(", "●" if self.value else " ", ")")


class ChoiceSet(RadioSet):
    """One choice among options: arrows move the cursor, Space chooses, Enter is Next."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_button", M("Choose")), NEXT]

    class CursorMoved(Message):
        """The cursor is on another option (the help line follows it)."""

    def watch__selected(self) -> None:
        super().watch__selected()
        self.post_message(self.CursorMoved())

    def on_mount(self) -> None:
        self.call_after_refresh(self._cursor_to_choice)  # after RadioSet's own mount put it on the first option

    def _cursor_to_choice(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index  # the cursor starts on the choice

    @property
    def cursor_index(self) -> int | None:
        return self._selected


class Switch(Checkbox):
    """`[✔] Label` when on, `[ ] Label` when off: Space toggles, Enter is Next."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_button", M("Toggle")), NEXT]

    @property
    def _button(self) -> Content:
        return _mark(self, "[", "✔" if self.value else " ", "]")


class MultiSelect(SelectionList[str]):
    """Several choices: arrows move the cursor, Space ticks, Enter is Next. `[✔]` ticked, `[ ]` not."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "select", M("Tick")), NEXT]

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            option = self.get_option_at_index(index)
        except Exception:  # OptionDoesNotExist: a line below the last option
            return line
        ticked = option.value in self._selected
        base = next(iter(line)).style or self.rich_style
        component = "selection-list--button" + ("-selected" if ticked else "")
        mark = self.get_component_rich_style(component) + Style(meta={"option": index})
        return Strip([Segment("[", mark), Segment("✔" if ticked else " ", mark), Segment("]", mark),
                      Segment(" ", base), *line])


class LineInput(Input):
    """A one-line box: Enter is Next; a paste of several lines keeps the first and says so."""

    BINDINGS: ClassVar[list[BindingType]] = [NEXT]

    class MultiLinePaste(Message):
        def __init__(self, lines: int) -> None:
            super().__init__()
            self.lines = lines

    def _on_paste(self, event: events.Paste) -> None:
        """Runs before Input's own handler, which inserts the first line."""
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            self.post_message(self.MultiLinePaste(len(lines)))


class NoteArea(TextArea):
    """Several lines of text: Enter is Next as everywhere; Ctrl+J (or Alt+Enter) starts a new line;
    a paste keeps its lines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j,alt+enter,shift+enter", "new_line", M("New line"), key_display="^j"),
    ]

    async def _on_key(self, event: events.Key) -> None:
        """Runs before TextArea's own handler, which would insert a line break for Enter."""
        if event.key == "enter":
            event.stop()
            event.prevent_default()  # TextArea's handler is not called
            await self.run_action("screen.next")

    def action_new_line(self) -> None:
        start, end = self.selection
        self._replace_via_keyboard("\n", start, end)
