"""`--auth-choice openai-codex`: the Authorization screen alone, signed in against the real test OAuth server."""

from __future__ import annotations

import json
import tomllib

import pytest
from textual import events

from tests.tui.conftest import make_app, make_machine, presets_for
from tests.tui.pilot_helpers import click, on_screen, screen_name, text_of, type_into

pytestmark = pytest.mark.anyio


def codex_app(**kwargs):
    machine = make_machine(start_at="authorization")
    return make_app(machine, presets_for(authorization={"auth_choice": "openai-codex"}), **kwargs)


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the screen to change")


async def start_paste_sign_in(pilot):
    """Pick paste, start the sign-in and wait for its URL; returns the panel."""
    await pilot.pause()
    await click(pilot, "#opt-method-paste")
    await click(pilot, "#signin-start")
    panel = on_screen(pilot, "#signin")
    await wait_for(pilot, lambda: panel.url)
    return panel


def signin_state(pilot) -> str:
    return on_screen(pilot, "#signin").state


async def test_auth_choice_opens_on_authorization_and_signs_in_by_paste(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen_name(pilot) == "AuthorizationScreen"
        assert on_screen(pilot, "#opt-auth_choice-openai-codex").value
        assert on_screen(pilot, "#back").disabled  # nothing before it unless the user asks
        for step in ("quickstart", "channels", "skills", "hooks", "hatch"):
            assert on_screen(pilot, f"#link-{step}").has_class("-kept")
        assert app.focused is on_screen(pilot, "#signin-start")
        await click(pilot, "#opt-method-paste")
        await click(pilot, "#signin-start")
        await wait_for(pilot, lambda: on_screen(pilot, "#signin").url)
        url = on_screen(pilot, "#signin").url
        assert url in text_of(pilot, "#signin-url").replace("\n", "")
        assert "Waiting" in text_of(pilot, "#signin-status")
        landed = oauth.authorize(url)
        await type_into(pilot, "#signin-paste", "not an address", by_keys=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Not accepted" in text_of(pilot, "#signin-error"))
        await type_into(pilot, "#signin-paste", landed, by_keys=False)
        await pilot.press("enter")
        # Signed in first, then focus moves to Next on the following message: wait for both.
        await wait_for(pilot, lambda: signin_state(pilot) == "signed-in" and app.focused is on_screen(pilot, "#next"))
        assert "dev@example.com" in text_of(pilot, "#signin-status")
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
        await click(pilot, "#next")
        assert screen_name(pilot) == "DoneScreen"
        await pilot.press("enter")
    assert app.return_value == 0
    record = json.loads((tui_state / "credentials" / "openai-codex.json").read_text())
    assert record["email"] == "dev@example.com"
    config = tomllib.loads((tui_state / "openclaw.toml").read_text())
    assert config["models"]["auth_choice"] == "openai-codex"
    assert "gateway" not in config  # the other steps were kept: nothing else written


async def test_device_code_sign_in(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await click(pilot, "#opt-method-device")
        await click(pilot, "#next")  # Next signs in first when the choice needs it
        panel = on_screen(pilot, "#signin")
        await wait_for(pilot, lambda: "enter" in text_of(pilot, "#signin-url"))
        assert not on_screen(pilot, "#signin-paste").display
        code = text_of(pilot, "#signin-url").split()[-1]
        oauth.approve_device(code)
        await wait_for(pilot, lambda: panel.state == "signed-in")
        await click(pilot, "#next")
        assert screen_name(pilot) == "ReviewScreen"


async def test_provider_error_is_shown_verbatim_and_retry_works(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    oauth.deny_next_authorize("access_denied", "The user said no thanks")
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await click(pilot, "#opt-method-paste")
        await click(pilot, "#signin-start")
        await wait_for(pilot, lambda: on_screen(pilot, "#signin").url)
        landed = oauth.authorize(on_screen(pilot, "#signin").url)
        await type_into(pilot, "#signin-paste", landed, by_keys=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: signin_state(pilot) == "failed")
        assert "access_denied: The user said no thanks" in text_of(pilot, "#signin-error")
        assert str(on_screen(pilot, "#signin-start").label) == "Try again"
        await click(pilot, "#signin-start")
        await wait_for(pilot, lambda: signin_state(pilot) == "running" and on_screen(pilot, "#signin").url)
        assert text_of(pilot, "#signin-error") == ""


async def test_quit_during_sign_in_cancels_the_worker_and_writes_nothing(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await start_paste_sign_in(pilot)
        cancel = panel.cancel_event
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert screen_name(pilot) == "ConfirmQuit"
        await click(pilot, "#leave")
    assert app.return_value == 130
    assert cancel.is_set()
    assert not (tui_state / "openclaw.toml").exists()
    assert not (tui_state / "credentials" / "openai-codex.json").exists()


async def test_back_and_choice_change_cancel_a_waiting_sign_in(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await start_paste_sign_in(pilot)
        cancel = panel.cancel_event
        await click(pilot, "#opt-auth_choice-skip")
        assert cancel.is_set()
        assert not panel.display
        await click(pilot, "#link-hooks")  # jump to a kept step; the sign-in screen goes away
        assert screen_name(pilot) == "HooksScreen"


async def test_pasted_multiline_text_takes_the_first_line(tui_state):
    app = make_app(make_machine(start_at="hooks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = on_screen(pilot, "#field-webhook_url")
        box.focus()
        box.value = ""
        box.post_message(events.Paste("https://example.com/a\nsecond line\nthird"))
        await pilot.pause()
        assert box.value == "https://example.com/a"


async def test_a_stored_sign_in_is_kept_without_signing_in_again(tui_state, oauth, point_codex_at):
    from wizard.auth import oauth as oauth_client
    from wizard.auth import store

    point_codex_at(oauth)
    store.save(oauth_client.credential_record("openai-codex", oauth.mint_tokens(access_ttl=3600)))
    before = (tui_state / "credentials" / "openai-codex.json").read_bytes()
    app = codex_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert on_screen(pilot, "#opt-method-keep").value  # offered, and chosen, only when there is one
        assert not on_screen(pilot, "#signin").display
        await click(pilot, "#next")
        assert screen_name(pilot) == "ReviewScreen"
        assert "sign in to openai-codex" not in text_of(pilot, "#plan-lines")
        await click(pilot, "#next")
        assert screen_name(pilot) == "DoneScreen"
    assert oauth.stats["authorize"] == 0
    assert (tui_state / "credentials" / "openai-codex.json").read_bytes() == before


async def test_keep_is_not_offered_without_a_stored_sign_in(tui_state):
    app = codex_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not pilot.app.screen.query("#opt-method-keep")
        assert on_screen(pilot, "#opt-method-browser").value
