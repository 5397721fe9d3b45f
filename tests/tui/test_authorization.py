"""`--auth-choice openai-codex`: the Authorization screen alone, signed in against the real test OAuth server."""

from __future__ import annotations

import json
import tomllib

import pytest
from textual import events

from tests.tui.conftest import NO_DISPLAY, make_app, make_machine, presets_for
from tests.tui.pilot_helpers import click, link_of, on_screen, screen_name, text_of, type_into
from wizard.auth.browser import why_no_browser

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
    from screens.signin_panel import WAITING

    await pilot.pause()
    await click(pilot, "#opt-method-paste")
    await click(pilot, "#next")
    assert screen_name(pilot) == "sign-in"
    panel = on_screen(pilot, "#signin")
    await wait_for(pilot, lambda: panel.url and panel.state == WAITING)
    return panel


def terminal_output(widget) -> str:
    """What the terminal receives for a widget: its rendered lines as escape sequences."""
    from rich.console import Console
    from textual.geometry import Region

    console = Console(color_system="truecolor")
    width, height = widget.region.size
    return "".join(strip.render(console) for strip in widget.render_lines(Region(0, 0, width, height)))


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
        shown = text_of(pilot, "#signin-url")
        assert shown.endswith("…") and "\n" not in shown and url.startswith(shown[:-1])  # one line, cut
        assert link_of(pilot, "#signin-url") == url  # a hyperlink to the whole address ...
        assert "\x1b]8;id=" in terminal_output(on_screen(pilot, "#signin-url"))  # ... sent as OSC 8
        assert f";{url}\x1b\\" in terminal_output(on_screen(pilot, "#signin-url"))
        await pilot.press("ctrl+o")  # the whole address, one key away
        assert text_of(pilot, "#signin-url").replace("\n", "") == url
        await pilot.press("ctrl+o")
        assert text_of(pilot, "#signin-url").endswith("…")
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
        assert "Signed in to openai-codex as dev@example.com (paste); its tokens are stored" in plan_text
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
        assert not on_screen(pilot, "#signin-paste-box").display  # nothing to paste with a device code
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
        first_url = panel.url
        await wait_for(pilot, lambda: signin_state(pilot) == "failed")
        assert "access_denied: The user said no thanks" in text_of(pilot, "#signin-error")
        assert str(on_screen(pilot, "#signin-start").label) == "Try again"
        assert app.focused is on_screen(pilot, "#signin-start")  # Enter tries again
        assert on_screen(pilot, "#next").disabled  # nothing to go on to without a sign-in
        # Only the failed state's text: no dead URL, no paste box, no "checking" line left over.
        assert not on_screen(pilot, "#signin-link").display and not on_screen(pilot, "#signin-paste-box").display
        assert panel.url == "" and text_of(pilot, "#signin-url") == ""
        assert "Checking" not in text_of(pilot, "#signin-status") and not on_screen(pilot, "#signin-note").display
        await pilot.press("enter")
        await wait_for(pilot, lambda: signin_state(pilot) == "waiting" and panel.url and panel.url != first_url)
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
        assert text_of(pilot, "#step-error").startswith("Cannot read")
        assert on_screen(pilot, "#signin").url == ""  # no URL, no listener, no browser
        assert signin_state(pilot) == "failed"
    assert oauth.stats["authorize"] == 0 and app.machine.log[-1] == "sign-in"  # the pre-check never passed
    assert not (tui_state / "credentials" / "openai-codex.json").exists()


async def test_pasted_multiline_text_takes_the_first_line_and_says_so(tui_state):
    app = make_app(make_machine(start_at="hooks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = on_screen(pilot, "#field-webhook_url")
        box.focus()
        box.value = ""
        box.post_message(events.Paste("https://example.com/a\nsecond line\nthird"))
        await pilot.pause()
        assert box.value == "https://example.com/a"
        note = text_of(pilot, "#row-webhook_url .field-note")
        assert note == "Pasted 3 lines; this box takes one, so it kept the first."


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


async def test_keep_is_not_offered_without_a_stored_sign_in_and_browser_leads_where_one_opens(tui_state):
    app = make_app(make_machine(start_at="authorization", browser_blocked=None),
                   presets_for(authorization={"auth_choice": "openai-codex"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not pilot.app.screen.query("#opt-method-keep")
        assert on_screen(pilot, "#opt-method-browser").value
        assert not on_screen(pilot, "#row-method .field-note").display  # nothing to explain


@pytest.mark.parametrize("reason", [NO_DISPLAY, why_no_browser({"SSH_TTY": "/dev/pts/0"}, "linux")])
async def test_device_code_leads_where_no_browser_can_open_and_the_screen_says_why(tui_state, reason):
    app = make_app(make_machine(start_at="authorization", browser_blocked=reason))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert on_screen(pilot, "#opt-auth_choice-openai-codex").value  # the default in the TUI
        assert on_screen(pilot, "#opt-method-device").value
        note = text_of(pilot, "#row-method .field-note")
        assert note == f"Device code is selected: no browser can open here ({reason.split(' (')[0]})."
        assert "DISPLAY" not in note and "SSH_" not in note  # on screen: no env vars


async def test_switching_method_on_the_sign_in_screen_cancels_the_attempt_and_starts_the_new_one(
        tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await start_paste_sign_in(pilot)
        cancel, paste_url = panel.cancel_event, panel.url
        assert "Waiting for the pasted address" in text_of(pilot, "#signin-status")
        switcher = on_screen(pilot, "#signin-method")
        switcher.focus()
        await pilot.press("left")  # the cursor only: nothing changes until Space
        await pilot.pause()
        assert app.machine.values["authorization"]["method"] == "paste" and not cancel.is_set()
        await pilot.press("space")  # Device code
        await wait_for(pilot, lambda: "enter" in text_of(pilot, "#signin-url"))
        assert cancel.is_set()  # the paste attempt stopped
        assert app.machine.values["authorization"]["method"] == "device"  # the machine took the new answer
        assert "sign-in-method:device" in app.machine.log
        assert "Waiting for the code to be entered" in text_of(pilot, "#signin-status")
        assert paste_url not in text_of(pilot, "#signin-url") and not on_screen(pilot, "#signin-paste-box").display
        oauth.approve_device(text_of(pilot, "#signin-url").split()[-1])
        await wait_for(pilot, lambda: signin_state(pilot) == "signed-in")
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        assert "(device)" in text_of(pilot, "#plan-lines")


async def test_the_paste_box_and_its_label_fit_at_80x24(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    app = codex_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_paste_sign_in(pilot)
        await pilot.pause(0.2)
        form = on_screen(pilot, "#form").region
        for selector in ("#signin-paste-label", "#signin-paste", "#signin-url", "#signin-copy"):
            region = on_screen(pilot, selector).region
            assert form.contains_region(region), f"{selector} is outside the visible form"
        assert "Paste the address" in text_of(pilot, "#signin-paste-label")
        assert on_screen(pilot, "#signin-paste").placeholder.startswith("e.g. ")


async def test_one_more_status_line_shows_only_once_signed_in(tui_state):
    """The hook for a usage line after sign-in: shown in the signed-in state, gone in every other."""
    from screens.signin_panel import SIGNED_IN, WAITING, SignInPanel

    machine = make_machine(start_at="authorization")
    values, _ = machine.resolve("authorization", {"method": "paste"})
    machine.next(values)
    app = make_app(machine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = on_screen(pilot, "#signin", SignInPanel)
        panel.cancel()
        panel.go(WAITING)
        panel.show_extra("5h 100% left")
        assert not on_screen(pilot, "#signin-extra").display  # not signed in: nothing to say yet
        panel.go(SIGNED_IN, status="✔ Signed in.")
        panel.show_extra("5h 100% left")
        await pilot.pause()
        assert text_of(pilot, "#signin-extra") == "5h 100% left" and on_screen(pilot, "#signin-extra").display
        panel.reset("device")
        assert not on_screen(pilot, "#signin-extra").display


async def test_a_stored_sign_in_makes_keep_the_default(tui_state, oauth, point_codex_at):
    from wizard.auth import oauth as oauth_client
    from wizard.auth import store

    point_codex_at(oauth)
    store.save(oauth_client.credential_record("openai-codex", oauth.mint_tokens(access_ttl=3600)))
    app = make_app(make_machine(start_at="authorization"))  # no --auth-choice: the defaults alone
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert on_screen(pilot, "#opt-auth_choice-openai-codex").value
        assert on_screen(pilot, "#opt-method-keep").value
        assert not on_screen(pilot, "#row-method .field-note").display


async def test_the_default_model_follows_the_auth_choice_until_edited(tui_state):
    app = make_app(make_machine(start_at="authorization"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert on_screen(pilot, "#field-model").value == "openai-codex/gpt-5.2"
        await click(pilot, "#opt-auth_choice-openai-api-key")
        assert on_screen(pilot, "#field-model").value == "openai/gpt-5.2"
        await click(pilot, "#opt-auth_choice-anthropic-api-key")
        assert on_screen(pilot, "#field-model").value == "anthropic/claude-sonnet-4-5"
        await type_into(pilot, "#field-model", "anthropic/claude-opus-4-1", by_keys=False)
        await click(pilot, "#opt-auth_choice-token")  # an edited model stays as typed
        assert on_screen(pilot, "#field-model").value == "anthropic/claude-opus-4-1"
        await type_into(pilot, "#field-token", "sk-ant-oat01-0123456789abcdef", by_keys=False)
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
    assert app.machine.values["authorization"]["model"] == "anthropic/claude-opus-4-1"


async def test_review_warns_when_the_default_model_has_no_credential(tui_state):
    config = '[models]\ndefault = "openai-codex/gpt-5.2"\nauth_choice = "openai-codex"\n'
    (tui_state / "openclaw.toml").write_text(config)
    app = make_app(make_machine(start_at="hooks"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "review"
        lines = text_of(pilot, "#plan-lines")
        assert ("⚠ The default model openai-codex/gpt-5.2 has no credential yet, so the agent cannot use it "
                "(go back to Authorization and choose how to reach it)") in lines
        assert "--auth-choice" not in lines  # on screen: what to do here
