"""The first run as a new user makes it: keys only, Enter is Next on every field kind, Space toggles,
the arrows move a cursor that never looks like the choice, text that is whole and readable in both
themes, multi-line persona, messages that speak of the screen."""

from __future__ import annotations

import pytest
from textual import events
from textual.geometry import Region

from tests.tui.conftest import make_app, make_machine, presets_for
from tests.tui.pilot_helpers import error_of, on_screen, screen_name, shown_rows, text_of, type_into

pytestmark = pytest.mark.anyio

THEMES = ("textual-dark", "textual-light")


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the screen to change")


async def test_keys_only_from_a_fresh_state_to_review_with_sign_in_with_chatgpt(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # refused: the risk is not accepted yet
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"
        assert app.focused is on_screen(pilot, "#field-accept_risk")  # focus on what needs an answer
        assert error_of(pilot, "accept_risk") == ("✖ You must accept the risk to continue "
                                                  "(tick “I understand the risk” with Space)")
        await pilot.press("space")
        for expected in ("channels", "skills", "hooks", "hatch", "authorization"):
            await pilot.press("enter")
            await pilot.pause()
            assert screen_name(pilot) == expected
        assert on_screen(pilot, "#opt-auth_choice-openai-codex").value  # Sign in with ChatGPT
        assert on_screen(pilot, "#opt-method-device").value  # no browser can open in this test's world
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "sign-in"
        await wait_for(pilot, lambda: "enter" in text_of(pilot, "#signin-url"))
        oauth.approve_device(text_of(pilot, "#signin-url").split()[-1])  # done on another device
        await wait_for(pilot, lambda: on_screen(pilot, "#signin").state == "signed-in")
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        plan = text_of(pilot, "#plan-lines")
        assert "Signed in to openai-codex as dev@example.com (device)" in plan
        assert 'auth_choice = "openai-codex"' in text_of(pilot, "#plan-diff")
        assert 'default = "openai-codex/gpt-5.2"' in text_of(pilot, "#plan-diff")
        await pilot.press("enter")  # Finish
        await pilot.pause()
        assert screen_name(pilot) == "done"
        await pilot.press("enter")
    assert app.return_value == 0
    assert 'auth_choice = "openai-codex"' in (tui_state / "openclaw.toml").read_text()


ACCEPTED = {"quickstart": {"flow": "quickstart", "accept_risk": True}}


@pytest.mark.parametrize(("step", "key", "presets"), [
    ("quickstart", "flow", ACCEPTED),  # choice
    ("quickstart", "gateway_port", {"quickstart": {"flow": "manual", "accept_risk": True}}),  # port
    ("quickstart", "gateway_token", {"quickstart": {"flow": "manual", "accept_risk": True}}),  # secret
    ("channels", "channels", {}),  # multi
    ("hooks", "webhook_url", {}),  # url
    ("hatch", "hatch", {}),  # bool
    ("hatch", "agent_name", {}),  # text
    ("hatch", "workspace", {}),  # path
    ("hatch", "persona", {}),  # multiline
])
async def test_enter_is_next_on_every_field_kind(tui_state, step, key, presets):
    app = make_app(make_machine(start_at=step), presets_for(**presets))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        widget = on_screen(pilot, f"#field-{key}")
        widget.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review", f"Enter on {key} ({widget.__class__.__name__}) did not move on"


async def test_space_chooses_and_the_arrows_only_move_the_cursor(tui_state):
    app = make_app(make_machine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        flow = on_screen(pilot, "#field-flow")
        assert app.focused is flow and flow.cursor_index == flow.pressed_index == 0  # the cursor starts on it
        await pilot.press("down")
        await pilot.pause()
        assert flow.cursor_index == 1 and flow.pressed_index == 0  # moved, not chosen
        assert text_of(pilot, "#row-flow .option-help").startswith("Manual:")  # what the cursor is on
        assert shown_rows(pilot) == ["flow", "accept_risk"]
        await pilot.press("space")
        await pilot.pause()
        assert flow.pressed_index == 1 and "gateway_port" in shown_rows(pilot)
        channels_app = make_app(make_machine(start_at="channels"))
    async with channels_app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()
        assert on_screen(pilot, "#field-channels").selected == []  # Enter no longer ticks, arrows never did
        await pilot.press("space")
        await pilot.pause()
        assert on_screen(pilot, "#field-channels").selected == ["slack"]


def label_background(button) -> str:
    return str(button.get_visual_style("toggle--label").background)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_cursor_and_the_choice_look_different(tui_state, theme):
    (tui_state / "openclaw.toml").write_text('[wizard]\naccepted_risk = true\n')
    app = make_app(make_machine(), theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # QuickStart as it is (the risk was accepted before)
        await pilot.pause()
        assert screen_name(pilot) == "existing"
        keep, update = on_screen(pilot, "#opt-existing-keep"), on_screen(pilot, "#opt-existing-update")
        assert update.value and app.focused is on_screen(pilot, "#field-existing")
        await pilot.press("up")  # the cursor onto Keep; Update stays chosen
        await pilot.pause()
        assert str(keep.render()).startswith("( ) ") and str(update.render()).startswith("(●) ")
        assert label_background(keep) != label_background(update)  # the cursor is a bar, the choice is not
        on_screen(pilot, "#next").focus()
        await pilot.pause()
        assert label_background(keep) == label_background(update)  # no cursor bar without focus
        assert on_screen(pilot, "#opt-existing-update").value  # still the choice


def contrast(style) -> float:
    def luminance(color) -> float:
        def channel(value: int) -> float:
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        red, green, blue = color.get_truecolor()
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    light, dark = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", THEMES)
async def test_text_is_readable_in_both_themes(tui_state, theme):
    """WCAG AA: 4.5:1 for titles and text, 3:1 for the muted help and the sidebar's quieter rows."""
    app = make_app(make_machine(), theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for selector, least in (("#app-title", 4.5), ("#step-title", 4.5), (".field-label", 4.5),
                                ("#link-quickstart", 4.5), ("#link-channels", 4.5), ("#step-summary", 3),
                                (".field-help", 3), ("#link-existing", 3), (".sidebar-legend", 3)):
            widget = pilot.app.screen.query(selector).first()
            assert contrast(widget.rich_style) >= least, f"{selector} is hard to read in {theme}"


def screen_lines(widget) -> list[str]:
    width, height = widget.region.size  # padding included
    return ["".join(segment.text for segment in strip) for strip in widget.render_lines(Region(0, 0, width, height))]


async def test_the_sidebar_shows_whole_step_names_at_80_columns(tui_state):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for step in app.machine.steps:
            link = on_screen(pilot, f"#link-{step.id}")
            text = " ".join(" ".join(line.split()) for line in screen_lines(link)).strip()
            assert "…" not in text and text.endswith(step.title), text


async def test_persona_takes_several_lines(tui_state):
    persona = "Terse and kind.\nAsks before deleting anything.\nSigns off with a haiku."
    app = make_app(make_machine(start_at="hatch"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area = on_screen(pilot, "#field-persona")
        area.focus()
        area.text = ""
        await pilot.pause()
        app.post_message(events.Paste(persona))  # as a terminal's paste arrives: to the app, then the focused box
        await pilot.pause()
        assert area.text == persona
        await pilot.press("ctrl+j")  # a new line by key; Enter is Next
        await pilot.press(*"P.S.")
        await pilot.pause()
        assert area.text == persona + "\nP.S."
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        await pilot.press("enter")
        await pilot.pause()
    soul = (tui_state / "workspace" / "SOUL.md").read_text()
    assert soul == f"# Soul\n\n{persona}\nP.S.\n"


async def test_a_phone_number_as_people_write_it(tui_state):
    app = make_app(make_machine(start_at="channels"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        on_screen(pilot, "#field-channels").focus()
        await pilot.press("down", "down", "down", "space")  # Signal
        await pilot.pause()
        box = on_screen(pilot, "#field-signal_number")
        assert box.placeholder == "e.g. +1 555 123 4567" and box.value == ""  # an example, not a value
        await type_into(pilot, "#field-signal_number", "555 123 4567")
        assert error_of(pilot, "signal_number") == ("✖ Signal phone number needs its country code: start it with + "
                                                    "(e.g. +1 555 123 4567)")
        await type_into(pilot, "#field-signal_number", "+1 (555) 123-4567")
        assert error_of(pilot, "signal_number") == ""
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        assert 'number = "+15551234567"' in text_of(pilot, "#plan-diff")


async def test_messages_on_screen_start_uppercase_and_name_no_internal_ids(tui_state):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("2")  # `existing` without a config
        await pilot.pause()
        [note] = list(app._notifications)
        assert note.message == ("Use Existing Configuration does not apply here: it applies only when a config "
                                "file exists")
        assert "'" not in note.message


async def test_tab_and_shift_tab_move_between_fields(tui_state):
    """Tab used to crash every step screen: an attribute named focus_next hid Screen.focus_next()."""
    app = make_app(make_machine(start_at="hatch"), presets_for(hatch={"agent_name": "scout"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is on_screen(pilot, "#next")  # every answer given: Next first
        on_screen(pilot, "#field-hatch").focus()
        await pilot.press("tab")
        assert app.focused is on_screen(pilot, "#field-agent_name")
        await pilot.press("tab", "tab")
        assert app.focused is on_screen(pilot, "#field-persona")
        await pilot.press("shift+tab")
        assert app.focused is on_screen(pilot, "#field-workspace")
        assert screen_name(pilot) == "hatch"


async def test_a_value_worked_out_by_the_machine_shows_in_every_kind_of_field(tui_state):
    """FieldRow.set_value (defaults that follow another answer) for each widget, read back as the machine reads it."""
    app = make_app(make_machine(), presets_for(quickstart={"accept_risk": True}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rows = {row.key: row for row in app.screen.rows()}
        rows["flow"].set_value("manual")
        rows["accept_risk"].set_value(False)
        await pilot.pause()
        assert rows["flow"].value() == "manual" and on_screen(pilot, "#field-flow").pressed_index == 1
        assert rows["accept_risk"].value() is False
        assert "gateway_port" in shown_rows(pilot)  # the set took the new choice: the Manual fields show
        rows["gateway_port"].set_value(19000)
        assert rows["gateway_port"].value() == "19000"
    channels = make_app(make_machine(start_at="channels"))
    async with channels.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        row = next(row for row in channels.screen.rows() if row.key == "channels")
        row.set_value(["slack", "signal"])
        assert row.value() == ["slack", "signal"]
