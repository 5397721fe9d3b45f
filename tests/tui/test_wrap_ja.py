"""Japanese text on screen breaks inside its Japanese runs, kinsoku kept (screens/linebreak.py): Textual and
Rich break only at blanks, so without it a run of Japanese moved to the next line whole, leaving short lines
("... OpenAI" / "Codex" / "を使う（ブラウザ、...").

screens/linebreak.py rebinds a private name of the pinned Textual and Rich: the first tests fail loudly if
an upgrade moves it, before any layout test could pass by accident. Last, a Japanese sentence that starts
with an id keeps it as written (screens/text.py capitalizes English only).
"""

from __future__ import annotations

from importlib.metadata import version

import pytest
import rich.text
import textual.content
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import Label, Static

from screens import linebreak
from tests.tui.conftest import make_app, make_machine
from wizard.linebreak import NOT_AT_LINE_END, NOT_AT_LINE_START, segments

pytestmark = pytest.mark.anyio

SENTENCE = "ChatGPT でサインイン: ChatGPT のプランで OpenAI Codex を使う（ブラウザ、デバイスコード、貼り付け）"


@pytest.fixture
def japanese():
    from wizard import i18n

    i18n.use("ja")
    yield
    i18n.use("en")


def test_textual_and_rich_still_wrap_through_the_name_screens_linebreak_rebinds():
    assert version("textual") == "8.2.8" and version("rich") == "15.0.0", (
        "Textual or Rich changed: check that Content._wrap_and_format and Text.wrap still call the module-level "
        "name divide_line (screens/linebreak.py), then update these pins")
    for module in linebreak.WRAPPING_MODULES:
        assert module.divide_line in (rich_divide_line, linebreak.divide_line), module.__name__
    assert "divide_line" in textual.content.Content._wrap_and_format.__code__.co_names
    assert "divide_line" in rich.text.Text.wrap.__code__.co_names


def test_install_refuses_a_module_that_no_longer_wraps_with_rich(monkeypatch):
    monkeypatch.setattr(textual.content, "divide_line", lambda text, width, fold=True: [])
    with pytest.raises(RuntimeError, match="textual.content"):
        linebreak.install()


def test_english_is_left_to_rich(japanese):
    text = "Sign in with ChatGPT: use your ChatGPT plan for OpenAI Codex (browser, device code, paste)"
    assert linebreak.divide_line(text, 30) == rich_divide_line(text, 30)


def test_japanese_is_left_to_rich_while_the_language_is_english():
    assert linebreak.divide_line(SENTENCE, 44) == rich_divide_line(SENTENCE, 44)


def widget_lines(app, widget) -> list[str]:
    """The lines the screen shows inside `widget`'s content region, cut by cells."""
    region = widget.content_region
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text.rstrip() for y in range(region.y, region.bottom)]


def assert_broken_as_japanese(lines: list[str], width: int) -> None:
    """Every line as full as the rules allow; kinsoku kept; no line needlessly short."""
    assert all(cell_len(line) <= width for line in lines), lines
    for before, after in zip(lines, lines[1:], strict=False):
        first_span = next(after[a:b] for a, b in segments(after)).rstrip()
        assert cell_len(before) + 1 + cell_len(first_span) > width, (before, after)  # did not fit here
        assert after[0] not in NOT_AT_LINE_START and before[-1] not in NOT_AT_LINE_END, (before, after)


async def test_a_help_line_breaks_inside_its_japanese_run_at_80x24(tui_state, japanese):
    app = make_app(make_machine(start_at="authorization"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        help_line = next(widget for widget in app.screen.query(".option-help")
                         if "ChatGPT でサインイン:" in str(widget.content))
        lines = [line for line in widget_lines(app, help_line) if line]
        width = help_line.content_region.width
    assert "".join(lines).replace(" ", "") == str(help_line.content).replace(" ", ""), lines
    assert_broken_as_japanese(lines, width)
    assert any(not before.endswith(("Codex", "OpenAI")) for before in lines[:-1]), lines
    assert not any(line.startswith("を使う") for line in lines), lines  # the run was not moved down whole


class Texts(App[None]):
    """One of each kind of text that wraps: Content (Static, Label; toasts and toggle-button labels are Content
    too, on one line in this app) and Rich Text (notes, Review, the sign-in panel)."""

    CSS = "Static, Label { width: 30; }"

    def compose(self) -> ComposeResult:
        yield Static(SENTENCE, id="content")
        yield Static(rich.text.Text(SENTENCE), id="rich")
        yield Label(SENTENCE, id="label")


@pytest.mark.parametrize("selector", ["#content", "#rich", "#label"])
async def test_every_kind_of_text_breaks_as_japanese(japanese, selector):
    app = Texts()
    linebreak.install()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(selector)
        lines = [line for line in widget_lines(app, widget) if line]
    assert_broken_as_japanese(lines, 30)
    assert "".join(lines).replace(" ", "") == SENTENCE.replace(" ", "")



def test_a_japanese_sentence_keeps_the_id_it_starts_with(japanese):
    from screens.text import sentence
    from wizard import i18n
    from wizard.i18n import M

    signed = M("signed in to {provider} ({method}); its tokens are stored", provider="openai-codex", method="device")
    assert sentence(signed).startswith("openai-codex に")  # Review showed "Openai-codex に ..."
    i18n.use("en")
    assert sentence(signed).startswith("Signed in to openai-codex")


async def test_a_toast_breaks_as_japanese(japanese):
    from textual.widgets._toast import Toast

    app = Texts()
    linebreak.install()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify(SENTENCE, timeout=30)
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        width = toast.content_region.width
        lines = [line for line in widget_lines(app, toast) if line]
    assert len(lines) > 1, lines
    assert_broken_as_japanese(lines, width)
