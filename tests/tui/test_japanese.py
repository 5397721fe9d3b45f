"""The TUI shows every text in the user's language: its own words and the core's (step titles, labels,
help, options, notes), toasts and notes that no snapshot catches.

Core text is still plain English on some branches; `core_as_messages` (conftest) turns the steps' texts into
messages for a test, and a marking catalog (every message shown as «...») makes any text that reached
the screen without `localize()` stand out as bare English.
"""

from __future__ import annotations

import re

import pytest
from textual import events

from tests.tui.conftest import make_app, make_machine
from tests.tui.pilot_helpers import on_screen, text_of
from wizard.i18n import localize

pytestmark = pytest.mark.anyio


@pytest.fixture
def japanese():
    from wizard import i18n

    i18n.use("ja")
    yield
    i18n.use("en")


class MarkingCatalog:
    """Every message "translated" to «its English»: what was localized is marked, what was not is bare."""

    def gettext(self, msgid: str) -> str:
        return f"«{msgid}»"

    def pgettext(self, context: str, msgid: str) -> str:
        return f"«{msgid}»"


@pytest.fixture
def marked(monkeypatch):
    from wizard import i18n

    monkeypatch.setattr(i18n, "_catalog", MarkingCatalog())


@pytest.fixture
def no_sign_in(monkeypatch):
    """The sign-in screen without starting a sign-in (no server here): its texts are the point."""
    from screens.app import OnboardApp

    monkeypatch.setattr(OnboardApp, "on_sign_in_screen_begin_requested", lambda app, message: None)


async def screen_lines(pilot) -> list[str]:
    """The screen's lines, the boxes emptied first: what is typed is the user's, their placeholders are ours."""
    from textual.widgets import Input, TextArea

    for box in pilot.app.screen.query(Input):
        with box.prevent(Input.Changed):
            box.value = ""
    for area in pilot.app.screen.query(TextArea):
        with area.prevent(TextArea.Changed):
            area.text = ""
    await pilot.pause()
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def bare_english(lines: list[str]) -> list[str]:
    """Words of English left on screen outside «...» once key names and the product's name are set aside."""
    text = "\n".join(lines)
    while re.search(r"«[^«»]*»", text):
        text = re.sub(r"«[^«»]*»", " ", text)
    text = re.sub(r"OpenClaw onboard|[~.]?/\S+|\bspace\b|\benter\b|\besc\b|\^[a-z]\b|\d+-\d+", " ", text)
    return re.findall(r"[A-Za-z]{3,}", text)


@pytest.mark.parametrize("step_id", ["quickstart", "channels", "hooks", "hatch", "authorization"])
async def test_no_text_reaches_a_step_screen_without_localize(tui_state, marked, core_as_messages, step_id):
    app = make_app(make_machine(start_at=step_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines = await screen_lines(pilot)
    assert bare_english(lines) == [], "\n".join(lines)
    assert any("«Steps»" in line for line in lines)


async def test_the_sign_in_screen_localizes_everything(tui_state, marked, core_as_messages, no_sign_in):
    machine = make_machine(start_at="authorization")
    values, _ = machine.resolve("authorization", {"auth_choice": "openai-codex", "method": "paste"})
    machine.next(values)
    app = make_app(machine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines = await screen_lines(pilot)
    leftover = [word for word in bare_english(lines) if word not in {"OpenAI", "Codex", "ChatGPT", "Sign", "with"}]
    assert leftover == [], "\n".join(lines)  # the provider's name is the auth part's text (its border title)


async def test_a_refused_jump_says_so_in_japanese(tui_state, japanese):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("2")  # Use Existing Configuration: there is no config to use
        await pilot.pause()
        assert [n.title for n in app._notifications] == ["そのステップには移動できません"]


async def test_a_multi_line_paste_is_explained_in_japanese(tui_state, japanese):
    app = make_app(make_machine(start_at="hooks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = on_screen(pilot, "#field-webhook_url")
        box.focus()
        box.value = ""
        box.post_message(events.Paste("https://example.com/a\nsecond line\nthird"))
        await pilot.pause()
        assert box.value == "https://example.com/a"
        assert text_of(pilot, "#row-webhook_url .field-note") == (
            "3 行が貼り付けられました。この欄は 1 行だけなので、最初の行を使いました。")


async def test_a_message_about_a_field_names_the_field_in_japanese(tui_state, japanese):
    """"must be ..." follows the field's name: one message with both, so Japanese can order them."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "space")  # Manual: the port is asked for
        await pilot.pause()
        row = on_screen(pilot, "#row-gateway_port")
        row.show_error("must be a number from 1 to 65535")
        await pilot.pause()
        assert text_of(pilot, "#row-gateway_port .field-error") == (
            f"✖ {localize(row.field.label)}: must be a number from 1 to 65535")


async def test_stopping_a_sign_in_says_so_in_japanese(tui_state, japanese, no_sign_in):
    from screens.signin_panel import WAITING, SignInPanel

    machine = make_machine(start_at="authorization")
    values, _ = machine.resolve("authorization", {"auth_choice": "openai-codex", "method": "device"})
    machine.next(values)
    app = make_app(machine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = on_screen(pilot, "#signin", SignInPanel)
        panel.go(WAITING)
        panel.stop_by_user()
        await pilot.pause()
        assert text_of(pilot, "#signin-status") == (
            "サインインをキャンセルしました。何も保存していません。"
            "「サインイン」を押すと、ブラウザのある任意のデバイスで入力する短いコードが表示されます。")
        assert str(on_screen(pilot, "#signin-start").label) == "サインイン"
