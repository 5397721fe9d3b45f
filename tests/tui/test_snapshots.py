"""SVG snapshots of every screen, each at 80x24 and 120x40, in the dark and the light theme.

Deterministic: a fixed state dir path, cursor blink off, a frozen clock for the countdown, fixed
`which` results for the skills screen, a fixed "no browser can open here" unless a scenario says
otherwise, sign-in states fed as the panel's own messages.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update`, then render each changed SVG to PNG
(`rsvg-convert`) and look at it.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import FROZEN_NOW, make_app, make_machine, presets_for
from tests.tui.test_navigation import EXISTING
from wizard.i18n import M

SIGN_IN_URL = ("https://auth.openai.com/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann"
               "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1455%2Fauth%2Fcallback&scope=openid+profile+email"
               "+offline_access&code_challenge=SNAPSHOTCHALLENGE&code_challenge_method=S256&state=SNAPSHOTSTATE")
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEMES = {"dark": "textual-dark", "light": "textual-light"}


def walked_machine(until: str, **kwargs):
    """A machine whose steps before `until` were answered with their defaults (risk accepted)."""
    machine = make_machine(**kwargs)
    while machine.current != until:
        values, _ = machine.resolve(machine.current, {"accept_risk": True})
        machine.next(values)
    return machine


async def settle(pilot) -> None:
    """Let the screen finish laying out, however loaded the machine is."""
    await pilot.pause(0.2)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


# --- the scenarios: (machine, presets, run_before) ----------------------------------------------------

def quickstart():
    return make_machine(), None, settle


def quickstart_manual_with_errors():
    async def manual_bad_port(pilot):
        await pilot.press("down", "space")  # Manual
        pilot.app.screen.query_one("#field-gateway_port").value = "99999"
        await pilot.pause()
        await pilot.click("#next")
        await settle(pilot)

    return make_machine(), None, manual_bad_port


def existing(state):
    (state / "openclaw.toml").write_text(EXISTING)
    machine = make_machine()
    values, _ = machine.resolve("quickstart")
    machine.next(values)
    return machine, None, settle


def existing_cursor_on_keep(state):
    """The cursor on Keep, Update still the choice: the two look different."""
    machine, _, _ = existing(state)

    async def up(pilot):
        await pilot.press("up")
        await settle(pilot)

    return machine, None, up


def existing_broken(state):
    (state / "openclaw.toml").write_text("# mine\n[gateway\nport = 18789\n")
    return make_machine(), None, settle


def channels_with_telegram():
    async def pick_telegram(pilot):
        await pilot.press("space")
        pilot.app.screen.query_one("#field-telegram_token").value = "12345"
        await pilot.pause()
        pilot.app.screen.query_one("#field-channels").focus()
        await settle(pilot)

    return walked_machine("channels"), None, pick_telegram


def skills():
    return walked_machine("skills"), None, settle


def hooks():
    return walked_machine("hooks"), None, settle


def hatch():
    return walked_machine("hatch"), None, settle


def authorization():
    """A first run where no browser can open: Sign in with ChatGPT by device code, and why."""
    return make_machine(start_at="authorization"), None, settle


def authorization_with_a_browser():
    return make_machine(start_at="authorization", browser_blocked=None), None, settle


def authorization_api_key():
    """The default model followed the choice; the key box is asked for."""
    async def api_key(pilot):
        await pilot.click("#opt-auth_choice-openai-api-key")
        await settle(pilot)

    return make_machine(start_at="authorization"), None, api_key


def at_sign_in(method: str):
    machine = make_machine(start_at="authorization")
    values, _ = machine.resolve("authorization", {"auth_choice": "openai-codex", "method": method})
    machine.next(values)
    assert machine.current == "sign-in"
    return machine


def feed(panel, *messages) -> None:
    for message in messages:
        message.attempt = panel.attempt
        panel.post_message(message)


def signing_in(method: str, *messages, then=None):
    async def run(pilot):
        from screens.signin_panel import WAITING, SignInPanel

        panel = pilot.app.screen.query_one(SignInPanel)
        panel.go(WAITING)
        feed(panel, *messages)
        await settle(pilot)
        if then:
            await then(pilot)
            await settle(pilot)

    return at_sign_in(method), None, run


def sign_in_waiting():
    from screens.signin_panel import SignInPanel

    return signing_in("paste", SignInPanel.UrlReady(SIGN_IN_URL), SignInPanel.Waiting(FROZEN_NOW + 599.4))


def sign_in_whole_address():
    from screens.signin_panel import SignInPanel

    async def whole(pilot):
        await pilot.press("ctrl+o")

    return signing_in("paste", SignInPanel.UrlReady(SIGN_IN_URL), SignInPanel.Waiting(FROZEN_NOW + 599.4),
                      then=whole)


def sign_in_checking():
    from screens.signin_panel import SignInPanel

    async def paste(pilot):
        box = pilot.app.screen.query_one("#signin-paste")
        box.value = "http://127.0.0.1:1455/auth/callback?code=abc&state=SNAPSHOTSTATE"
        await pilot.press("enter")

    return signing_in("paste", SignInPanel.UrlReady(SIGN_IN_URL), SignInPanel.Waiting(FROZEN_NOW + 599.4),
                      then=paste)


def sign_in_device_code():
    from screens.signin_panel import SignInPanel

    return signing_in("device", SignInPanel.DeviceCode("BCDF-GHJK", "https://auth.openai.com/codex/device"),
                      SignInPanel.Waiting(FROZEN_NOW + 900))


def sign_in_signed_in():
    from screens.signin_panel import SignInPanel

    return signing_in("device", SignInPanel.Finished({"email": "dev@example.com", "plan": "plus"}, None))


def sign_in_failed():
    from screens.signin_panel import SignInPanel

    # the words wizard/auth/signin.py says when the provider refuses (its reason is the provider's, as sent)
    return signing_in("paste", SignInPanel.UrlReady(SIGN_IN_URL), SignInPanel.Finished(
        None, M("the provider did not complete the sign-in: {reason}", reason="access_denied: The user denied access")))


def review():
    machine = walked_machine("sign-in")
    machine.begin_sign_in()
    machine.signed_in({"email": "dev@example.com", "plan": "plus"})
    return machine, None, settle


def review_with_a_warning(state):
    (state / "openclaw.toml").write_text('[models]\ndefault = "openai-codex/gpt-5.2"\nauth_choice = "openai-codex"\n')
    machine = make_machine(start_at="hooks")
    values, _ = machine.resolve("hooks")
    machine.next(values)
    return machine, None, settle


def done():
    machine, _, _ = review()

    async def finish(pilot):
        await pilot.click("#next")
        await settle(pilot)

    return machine, None, finish


def quit_modal():
    async def ask_to_quit(pilot):
        await pilot.press("ctrl+q")
        await settle(pilot)

    return make_machine(), None, ask_to_quit


NEEDS_STATE = {existing, existing_cursor_on_keep, existing_broken, review_with_a_warning}
SCENARIOS = {f.__name__: f for f in (
    quickstart, quickstart_manual_with_errors, existing, existing_cursor_on_keep, existing_broken,
    channels_with_telegram, skills, hooks, hatch, authorization, authorization_with_a_browser,
    authorization_api_key, sign_in_waiting, sign_in_whole_address, sign_in_checking, sign_in_device_code,
    sign_in_signed_in, sign_in_failed, review, review_with_a_warning, done, quit_modal)}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_screen(snap_compare, snap_state, monkeypatch, scenario, size, theme):
    from screens.app import OnboardApp

    monkeypatch.setattr(OnboardApp, "on_sign_in_screen_begin_requested", lambda app, message: None)
    make = SCENARIOS[scenario]
    machine, presets, run_before = make(snap_state) if make in NEEDS_STATE else make()
    app = make_app(machine, presets, frozen=True, theme=THEMES[theme])
    assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])


@pytest.mark.parametrize("theme", THEMES)
def test_too_small(snap_compare, snap_state, theme):
    assert snap_compare(make_app(frozen=True, theme=THEMES[theme]), run_before=settle, terminal_size=(40, 12))


def test_presets_focus_next(snap_compare, snap_state):
    """`--auth-choice openai-codex`: every answer given, focus on Next (one key to sign in)."""
    machine = make_machine(start_at="authorization")
    app = make_app(machine, presets_for(authorization={"auth_choice": "openai-codex"}), frozen=True)
    assert snap_compare(app, run_before=settle)


@pytest.fixture(autouse=True)
def _no_animation(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
