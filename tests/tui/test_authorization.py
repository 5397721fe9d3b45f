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
    """Pick paste, press Next (the machine's sign-in phase starts it) and wait for its URL; returns the panel."""
    await pilot.pause()
    await click(pilot, "#opt-method-paste")
    await click(pilot, "#next")
    assert screen_name(pilot) == "sign-in"
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
        assert screen_name(pilot) == "authorization"
        assert on_screen(pilot, "#opt-auth_choice-openai-codex").value
        assert on_screen(pilot, "#back").disabled  # nothing before it unless the user asks
        for step in ("quickstart", "channels", "skills", "hooks", "hatch"):
            assert on_screen(pilot, f"#link-{step}").has_class("-kept")
        assert app.focused is on_screen(pilot, "#next")  # the choice was given: Enter signs in
        panel = await start_paste_sign_in(pilot)
        url = panel.url
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
        assert app.machine.signed is not None  # the machine recorded the outcome
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        await click(pilot, "#next")
        assert screen_name(pilot) == "done"
        await pilot.press("enter")
    assert app.return_value == 0
    record = json.loads((tui_state / "credentials" / "openai-codex.json").read_text())
    assert record["email"] == "dev@example.com"
    config = tomllib.loads((tui_state / "openclaw.toml").read_text())
    assert config["models"]["auth_choice"] == "openai-codex"
    assert "gateway" not in config  # the other steps were kept: nothing else written


async def test_review_after_a_completed_sign_in_says_it_is_done(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await start_paste_sign_in(pilot)
        await type_into(pilot, "#signin-paste", oauth.authorize(panel.url), by_keys=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: signin_state(pilot) == "signed-in")
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
        plan_text = text_of(pilot, "#plan-lines")
        assert "signed in to openai-codex as dev@example.com (paste); its tokens are stored" in plan_text
        assert "sign in to openai-codex" not in plan_text  # no promise of a sign-in already done
        # Back to Authorization and Next again: the sign-in is not asked for a second time.
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "authorization"
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
    assert oauth.stats["authorize"] == 1


async def test_device_code_sign_in(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await click(pilot, "#opt-method-device")
        await click(pilot, "#next")  # the sign-in phase starts the device flow at once
        panel = on_screen(pilot, "#signin")
        await wait_for(pilot, lambda: "enter" in text_of(pilot, "#signin-url"))
        assert not on_screen(pilot, "#signin-paste").display
        code = text_of(pilot, "#signin-url").split()[-1]
        oauth.approve_device(code)
        await wait_for(pilot, lambda: panel.state == "signed-in")
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"


async def test_provider_error_is_shown_verbatim_and_retry_works(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    oauth.deny_next_authorize("access_denied", "The user said no thanks")
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await start_paste_sign_in(pilot)
        landed = oauth.authorize(panel.url)
        await type_into(pilot, "#signin-paste", landed, by_keys=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: signin_state(pilot) == "failed")
        assert "access_denied: The user said no thanks" in text_of(pilot, "#signin-error")
        assert str(on_screen(pilot, "#signin-start").label) == "Try again"
        assert on_screen(pilot, "#next").disabled  # nothing to go on to without a sign-in
        first_url = panel.url
        await click(pilot, "#signin-start")
        await wait_for(pilot, lambda: signin_state(pilot) == "running" and panel.url and panel.url != first_url)
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


async def test_back_from_sign_in_cancels_a_waiting_sign_in(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await start_paste_sign_in(pilot)
        cancel = panel.cancel_event
        await click(pilot, "#back")
        assert cancel.is_set()
        assert screen_name(pilot) == "authorization"
        await click(pilot, "#opt-auth_choice-skip")
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"  # no sign-in asked for any more
        assert "sign in to" not in text_of(pilot, "#plan-lines")


async def test_an_unusable_secrets_file_stops_before_the_browser_opens(tui_state, oauth, point_codex_at):
    """As headless does: the machine's pre-check refuses before any sign-in starts (nothing opened or stored)."""
    point_codex_at(oauth)
    (tui_state / "credentials").mkdir(mode=0o700)
    (tui_state / "credentials" / "secrets.json").mkdir()  # unreadable as a file, whoever runs the tests
    presets = presets_for(quickstart={"flow": "quickstart", "accept_risk": True},
                          authorization={"auth_choice": "openai-codex", "method": "paste"})
    app = make_app(make_machine(), presets)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while screen_name(pilot) != "authorization":  # every step with its default (a gateway token to store)
            await click(pilot, "#next")
        await click(pilot, "#next")
        assert screen_name(pilot) == "sign-in"
        await wait_for(pilot, lambda: "secrets.json" in text_of(pilot, "#step-error"))
        assert "cannot read" in text_of(pilot, "#step-error")
        assert on_screen(pilot, "#signin").url == ""  # no URL, no listener, no browser
        assert signin_state(pilot) == "failed"
    assert oauth.stats["authorize"] == 0 and app.machine.log[-1] == "sign-in"  # the pre-check never passed
    assert not (tui_state / "credentials" / "openai-codex.json").exists()


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
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
        assert "sign in to openai-codex" not in text_of(pilot, "#plan-lines")
        await click(pilot, "#next")
        assert screen_name(pilot) == "done"
    assert oauth.stats["authorize"] == 0
    assert (tui_state / "credentials" / "openai-codex.json").read_bytes() == before


async def test_keep_is_not_offered_without_a_stored_sign_in(tui_state):
    app = codex_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not pilot.app.screen.query("#opt-method-keep")
        assert on_screen(pilot, "#opt-method-browser").value
