"""Quitting, straight-to-step routing, an existing config, and a terminal too small to draw in."""

from __future__ import annotations

import pytest

from tests.tui.conftest import make_app, make_machine
from tests.tui.pilot_helpers import click, on_screen, screen_name, type_into

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
