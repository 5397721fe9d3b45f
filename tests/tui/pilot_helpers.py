"""Small pilot helpers: act like a person (click, type, press) and read what the screen shows."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Input, Static

PAUSE = 0.05


def on_screen(pilot, selector: str, kind=None):
    screen = pilot.app.screen
    return screen.query_one(selector, kind) if kind else screen.query_one(selector)


async def click(pilot, selector: str) -> None:
    widget = on_screen(pilot, selector)
    widget.scroll_visible(animate=False)
    await pilot.pause(PAUSE)
    await pilot.click(selector)
    await pilot.pause(PAUSE)


async def type_into(pilot, selector: str, text: str, *, by_keys: bool = True) -> None:
    """Focus a box, clear it, and type (key by key, or set at once for long secrets)."""
    box = on_screen(pilot, selector, Input)
    box.focus()
    box.value = ""
    await pilot.pause(PAUSE)
    if by_keys:
        await pilot.press(*[{" ": "space"}.get(c, c) for c in text])
    else:
        box.insert_text_at_cursor(text)
    await pilot.pause(PAUSE)


def text_of(pilot, selector: str) -> str:
    """The plain text a Static shows (strings, Content, Rich Text or tables)."""
    import io

    from rich.console import Console

    content = on_screen(pilot, selector, Static).content
    if isinstance(content, str):
        return content
    if isinstance(content, Content):
        return content.plain
    console = Console(width=400, file=io.StringIO(), color_system=None)
    console.print(content)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def link_of(pilot, selector: str) -> str | None:
    """The hyperlink (OSC 8) target a Static shows, if any."""
    content = on_screen(pilot, selector, Static).content
    style = getattr(content, "style", None)
    if getattr(style, "link", None):
        return style.link
    for span in getattr(content, "spans", []):
        link = getattr(span.style, "link", None)
        if link:
            return link
    return None


def error_of(pilot, key: str) -> str:
    row = on_screen(pilot, f"#row-{key}")
    return str(row.query_one(".field-error", Static).render()) if row.has_class("-invalid") else ""


def screen_name(pilot) -> str:
    """Where the wizard is (a step id, "sign-in", "review", "done"), or a modal's class name."""
    return getattr(pilot.app.screen, "position", type(pilot.app.screen).__name__)


def shown_rows(pilot) -> list[str]:
    from screens.field_row import FieldRow

    return [row.key for row in pilot.app.screen.query(FieldRow) if row.display]
