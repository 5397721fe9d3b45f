"""Quitting, straight-to-step routing, an existing config, and a terminal too small to draw in."""

from __future__ import annotations

import pytest

from tests.tui.conftest import make_app, make_machine, presets_for
from tests.tui.pilot_helpers import click, on_screen, screen_name, text_of, type_into

pytestmark = pytest.mark.anyio

EXISTING = """# my gateway
[wizard]
flow = "quickstart"
accepted_risk = true

[gateway]
port = 18789
bind = "loopback"
auth = "none"

[hooks]
enabled = ["boot-md"]
"""


async def test_quit_asks_first_and_writes_nothing(tui_state):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await click(pilot, "#opt-flow-manual")
        await pilot.press("q")
        await pilot.pause()
        assert screen_name(pilot) == "ConfirmQuit"
        assert "Nothing will be written" in str(on_screen(pilot, "#quit-text").render())
        await pilot.press("escape")  # keep going
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"
        assert on_screen(pilot, "#opt-flow-manual").value  # the draft survived the modal
        await pilot.press("ctrl+c")
        await pilot.pause()
        await pilot.press("y")
    assert app.return_value == 130
    assert list(tui_state.iterdir()) == []


async def test_step_flag_opens_that_step_and_finishing_writes_only_it(tui_state):
    (tui_state / "openclaw.toml").write_text(EXISTING)
    app = make_app(make_machine(start_at="hooks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen_name(pilot) == "hooks"
        assert on_screen(pilot, "#link-quickstart").has_class("-kept")
        on_screen(pilot, "#field-hooks").focus()
        await pilot.press("down", "space")  # + command-logger
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
        await click(pilot, "#next")
        assert screen_name(pilot) == "done"
        await click(pilot, "#next")
    text = (tui_state / "openclaw.toml").read_text()
    assert text.startswith("# my gateway")  # comments and order kept
    assert 'enabled = ["boot-md", "command-logger"]' in text
    assert 'auth = "none"' in text  # kept, not reset to defaults
    assert (tui_state / "openclaw.toml.bak").read_text() == EXISTING


async def test_existing_config_keep_goes_to_authorization(tui_state):
    (tui_state / "openclaw.toml").write_text(EXISTING)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"
        assert on_screen(pilot, "#field-accept_risk").value  # accepted before: prefilled
        await click(pilot, "#next")
        assert screen_name(pilot) == "existing"
        await click(pilot, "#opt-existing-keep")
        await click(pilot, "#next")
        assert screen_name(pilot) == "authorization"
        for step in ("channels", "skills", "hooks", "hatch"):
            assert on_screen(pilot, f"#link-{step}").has_class("-kept")
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "existing"


async def test_jump_to_a_step_that_does_not_apply_says_why(tui_state):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("2")  # `existing` without a config
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"
        assert any("does not apply" in n.message for n in app._notifications)


async def test_empty_input_blocks_next_without_crashing(tui_state):
    app = make_app(make_machine(start_at="hatch"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-agent_name", "")
        await type_into(pilot, "#field-workspace", "")
        await click(pilot, "#next")
        assert screen_name(pilot) == "hatch"
        assert on_screen(pilot, "#row-workspace").has_class("-invalid")
        assert app.focused is on_screen(pilot, "#field-agent_name")


@pytest.mark.parametrize("size", [(40, 12), (59, 24)])
async def test_too_small_terminal_says_so_and_recovers(tui_state, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert on_screen(pilot, "#too-small").display
        assert "needs at least 60×16" in str(on_screen(pilot, "#too-small").render())
        assert app.screen.has_class("-too-small")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")


async def test_ctrl_s_skips_a_step_and_the_config_keeps_it(tui_state):
    (tui_state / "openclaw.toml").write_text(EXISTING)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")  # QuickStart as it is
        await pilot.pause()
        assert screen_name(pilot) == "existing"
        await pilot.press("ctrl+n")  # Update
        await pilot.pause()
        assert screen_name(pilot) == "channels"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(pilot) == "skills"
        assert on_screen(pilot, "#link-channels").has_class("-skipped")
        for _ in range(4):  # skills, hooks, hatch, authorization
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert screen_name(pilot) == "review"
        await click(pilot, "#next")
        await pilot.press("enter")
    text = (tui_state / "openclaw.toml").read_text()
    assert 'enabled = ["boot-md"]' in text and "[channels]" not in text and "[agent]" not in text


async def test_escape_goes_back_in_step_order_whatever_the_path(tui_state):
    app = make_app(make_machine(), presets_for(quickstart={"accept_risk": True}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # 1 -> 3 (2 does not apply)
        await pilot.pause()
        seen = []
        for key in ("7", "escape", "3", "7", "escape", "escape", "escape", "escape"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(screen_name(pilot))
        assert seen == ["authorization", "hatch", "channels", "authorization", "hatch", "hooks", "skills", "channels"]
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"
        assert on_screen(pilot, "#back").disabled  # nothing before step 1
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"


async def test_ctrl_s_goes_to_the_next_step_in_order(tui_state):
    app = make_app(make_machine(), presets_for(quickstart={"accept_risk": True}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(5):  # quickstart, channels, skills, hooks, hatch with their defaults
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert screen_name(pilot) == "authorization"
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(pilot) == "hooks"  # the next one, not Authorization (the next still to do)
        assert on_screen(pilot, "#link-skills").has_class("-skipped")


async def test_keys_do_nothing_behind_the_too_small_notice(tui_state):
    app = make_app(make_machine(start_at="authorization"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        focused = app.focused
        before = dict(app.machine.status), app.machine.current
        await pilot.resize_terminal(50, 14)
        await pilot.pause()
        assert app.screen.has_class("-too-small") and app.focused is None
        for key in ("escape", "3", "ctrl+n", "ctrl+s", "enter", "space", "down", "tab", "ctrl+t"):
            await pilot.press(key)
            await pilot.pause()
        assert (dict(app.machine.status), app.machine.current) == before
        assert screen_name(pilot) == "authorization" and app.theme == "textual-dark"
        assert footer_keys(pilot) == ["Quit"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.focused is focused  # back where it was
        await pilot.press("ctrl+q")  # quitting always works
        await pilot.pause()
        assert screen_name(pilot) == "ConfirmQuit"


def footer_keys(pilot) -> list[str]:
    """The descriptions the footer shows, in order."""
    from textual.widgets._footer import FooterKey

    return [key.description for key in pilot.app.screen.query(FooterKey)]


async def test_the_footer_shows_only_keys_that_work_here(tui_state):
    app = make_app(make_machine(), presets_for(quickstart={"accept_risk": True}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Back" not in footer_keys(pilot)  # step 1: nothing to go back to
        await pilot.press("enter")
        await pilot.pause()
        assert footer_keys(pilot)[:4] == ["Tick", "Back", "Next", "Jump"]
        for _ in range(4):
            await pilot.press("ctrl+s")
            await pilot.pause()
        await pilot.click("#opt-auth_choice-skip")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        assert footer_keys(pilot) == ["Back", "Finish", "Jump", "Quit", "Theme"]
        assert "Ctrl+Q quits" in str(on_screen(pilot, "#step-summary").render())
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen_name(pilot) == "done"
        assert footer_keys(pilot) == ["Close", "Quit", "Theme"]


async def test_the_sign_in_footer_offers_next_only_after_signing_in(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = make_app(make_machine(start_at="authorization"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")  # device code, the default here
        await pilot.pause()
        assert screen_name(pilot) == "sign-in"
        assert "Next" not in footer_keys(pilot) and "Back" in footer_keys(pilot)
        panel = on_screen(pilot, "#signin")
        for _ in range(200):
            if "enter" in str(on_screen(pilot, "#signin-url").render()):
                break
            await pilot.pause(0.05)
        oauth.approve_device(str(on_screen(pilot, "#signin-url").render()).split()[-1])
        for _ in range(200):
            if panel.state == "signed-in":
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert "Next" in footer_keys(pilot)


async def test_a_config_that_is_not_valid_toml_opens_on_existing_with_reset(tui_state):
    broken = b"# mine\n[gateway\nport = 1\n"
    (tui_state / "openclaw.toml").write_bytes(broken)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen_name(pilot) == "existing"
        assert not app.screen.query("#opt-existing-keep") and not app.screen.query("#opt-existing-update")
        assert on_screen(pilot, "#opt-existing-reset").value
        note = text_of(pilot, "#row-existing .field-note")
        assert "Your configuration openclaw.toml is not valid TOML" in note and "(at line 2, column 9)" in note
        assert "Skip" not in footer_keys(pilot)
        await pilot.press("ctrl+s")  # cannot be skipped
        await pilot.pause()
        assert screen_name(pilot) == "existing"
        await pilot.press("enter")  # Reset
        await pilot.pause()
        assert screen_name(pilot) == "quickstart"
        await pilot.press("enter")  # refused: focus on the risk box
        await pilot.press("space", "enter")
        await pilot.pause()
        assert screen_name(pilot) == "channels"
        for _ in range(5):
            await pilot.pause()
            await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        assert "Back up and replace" in text_of(pilot, "#plan-lines")
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "done"
    [backup] = tui_state.glob("openclaw.toml.*.bak")
    assert backup.read_bytes() == broken
    assert (tui_state / "openclaw.toml").read_text().startswith("# OpenClaw gateway configuration")
