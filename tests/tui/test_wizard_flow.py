"""The whole wizard, driven like a person: every step, bad input, back, jump, review, finish.

Then the answers saved by the TUI replay through the real headless command to the same bytes.
"""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import openclaw_argv
from tests.support import children
from tests.tui.conftest import make_app
from tests.tui.pilot_helpers import click, error_of, on_screen, screen_name, shown_rows, text_of, type_into

TELEGRAM = "123456789:AAEabcdefghijklmnopqrstuvwxyz0123456"
OPENAI_KEY = "sk-test-0123456789abcdef"

pytestmark = pytest.mark.anyio


async def test_full_wizard_then_headless_replay_is_byte_identical(tui_state, tmp_path, cli_env):
    answers_file = tmp_path / "answers.toml"
    app = make_app(save_answers=answers_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # 1. QuickStart: Manual reveals the gateway fields; a bad port blocks Next beside the field.
        assert screen_name(pilot) == "quickstart"
        assert shown_rows(pilot) == ["flow", "accept_risk"]
        await click(pilot, "#opt-flow-manual")
        assert shown_rows(pilot) == ["flow", "accept_risk", "gateway_port", "gateway_bind", "gateway_auth",
                                     "gateway_token"]
        await type_into(pilot, "#field-gateway_port", "99999")
        assert "between 1 and 65535" in error_of(pilot, "gateway_port")
        await click(pilot, "#next")
        assert screen_name(pilot) == "quickstart"
        assert "accept the risk" in error_of(pilot, "accept_risk")
        await type_into(pilot, "#field-gateway_port", "18790")
        assert error_of(pilot, "gateway_port") == ""
        on_screen(pilot, "#field-accept_risk").focus()
        await pilot.press("space")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # 2. Existing is not applicable (no config): straight to Channels.
        assert screen_name(pilot) == "channels"
        assert on_screen(pilot, "#link-existing").has_class("-na")
        assert on_screen(pilot, "#link-quickstart").has_class("-done")
        on_screen(pilot, "#field-channels").focus()
        await pilot.press("space")  # telegram is the first option
        await pilot.pause()
        assert "telegram_token" in shown_rows(pilot)
        await type_into(pilot, "#field-telegram_token", "not-a-token")
        assert error_of(pilot, "telegram_token") == ("✖ That does not look like a Telegram bot token; compare it "
                                                      "with the format above")  # the help above has the format
        await click(pilot, "#next")
        assert screen_name(pilot) == "channels"
        await type_into(pilot, "#field-telegram_token", TELEGRAM, by_keys=False)
        await pilot.press("enter")  # Enter is Next
        await pilot.pause()
        # 4. Skills: keyboard to the second option (git).
        assert screen_name(pilot) == "skills"
        on_screen(pilot, "#field-skills").focus()
        await pilot.press("down", "space")
        await click(pilot, "#next")
        # 5. Hooks: a bad webhook URL, then a good one.
        assert screen_name(pilot) == "hooks"
        await type_into(pilot, "#field-webhook_url", "ftp://x")
        assert "absolute http(s) URL" in error_of(pilot, "webhook_url")
        await type_into(pilot, "#field-webhook_url", "https://example.com/hook", by_keys=False)
        await pilot.press("enter")
        await pilot.pause()
        # 6. Hatch: go Back to hooks (its answers are still there), then forward again.
        assert screen_name(pilot) == "hatch"
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "hooks"
        assert on_screen(pilot, "#field-webhook_url").value == "https://example.com/hook"
        await click(pilot, "#next")
        assert screen_name(pilot) == "hatch"
        await type_into(pilot, "#field-agent_name", "Bad Name")
        assert "lowercase" in error_of(pilot, "agent_name")
        await type_into(pilot, "#field-agent_name", "scout")
        await click(pilot, "#next")
        # 7. Authorization: an API key.
        assert screen_name(pilot) == "authorization"
        await click(pilot, "#opt-auth_choice-openai-api-key")
        assert "token" in shown_rows(pilot)
        await type_into(pilot, "#field-token", "nope")
        assert "starts with sk-" in error_of(pilot, "token")
        await type_into(pilot, "#field-token", OPENAI_KEY, by_keys=False)
        await click(pilot, "#next")
        # Review: the plan, secrets by name only. Jump to Skills with its number, change it, come back.
        assert screen_name(pilot) == "review"
        plan_text = text_of(pilot, "#plan-lines")
        assert "Store secret channels.telegram.token" in plan_text
        assert OPENAI_KEY not in plan_text and TELEGRAM not in plan_text
        assert "Store credentials for openai" in plan_text
        await pilot.press("4")
        await pilot.pause()
        assert screen_name(pilot) == "skills"
        on_screen(pilot, "#field-skills").focus()
        await pilot.press("down", "down", "space")  # add web-search
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
        # Sidebar click: jump to Authorization and return with Next.
        await click(pilot, "#link-authorization")
        assert screen_name(pilot) == "authorization"
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
        assert not (tui_state / "openclaw.toml").exists()  # nothing written before Finish
        await click(pilot, "#next")
        assert screen_name(pilot) == "done"
        assert str(tui_state / "openclaw.toml") in text_of(pilot, "#written")
        await click(pilot, "#next")
    assert app.return_value == 0

    config = tomllib.loads((tui_state / "openclaw.toml").read_text())
    assert config["gateway"]["port"] == 18790
    assert config["channels"]["enabled"] == ["telegram"]
    assert config["skills"]["enabled"] == ["git", "web-search"]
    assert config["hooks"]["webhook"]["url"] == "https://example.com/hook"
    assert config["agent"]["name"] == "scout"
    assert config["models"]["auth_choice"] == "openai-api-key"
    assert TELEGRAM not in (tui_state / "openclaw.toml").read_text()
    saved = answers_file.read_text()
    assert TELEGRAM not in saved and OPENAI_KEY not in saved

    replay_state = tmp_path / "replay-state"
    replay_state.mkdir(mode=0o700)
    env = dict(cli_env, OPENCLAW_STATE_DIR=str(replay_state), OPENCLAW_TELEGRAM_TOKEN=TELEGRAM,
               OPENCLAW_TOKEN=OPENAI_KEY)
    done = children.run(openclaw_argv("onboard", "--non-interactive", "--answers", str(answers_file)),
                        capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (replay_state / "openclaw.toml").read_bytes() == (tui_state / "openclaw.toml").read_bytes()
