"""SVG snapshots of every screen (80x24), Authorization also at 120x40 and in the light theme.

Deterministic: a fixed state dir path, cursor blink off, a frozen clock for the countdown,
fixed `which` results for the skills screen, sign-in states fed as the panel's own messages.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update`, then look at snapshots/*.svg.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import FROZEN_NOW, make_app, make_machine, presets_for
from tests.tui.test_navigation import EXISTING

SIGN_IN_URL = ("https://auth.openai.com/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann"
               "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1455%2Fauth%2Fcallback&scope=openid+profile+email"
               "+offline_access&code_challenge=SNAPSHOTCHALLENGE&code_challenge_method=S256&state=SNAPSHOTSTATE")


def walked_machine(until: str):
    """A machine whose steps before `until` were answered with their defaults (risk accepted)."""
    machine = make_machine()
    while machine.current != until:
        values, _ = machine.resolve(machine.current, {"accept_risk": True})
        machine.next(values)
    return machine


def codex_app(**kwargs):
    machine = make_machine(start_at="authorization")
    return make_app(machine, presets_for(authorization={"auth_choice": "openai-codex"}), frozen=True, **kwargs)


def signin_app(monkeypatch, **kwargs):
    """At the machine's sign-in phase, the attempt not started: the snapshot feeds the panel its states."""
    from screens.app import OnboardApp

    monkeypatch.setattr(OnboardApp, "on_sign_in_screen_begin_requested", lambda app, message: None)
    machine = make_machine(start_at="authorization")
    values, _ = machine.resolve("authorization", {"auth_choice": "openai-codex"})
    machine.next(values)
    assert machine.current == "sign-in"
    return make_app(machine, frozen=True, **kwargs)


async def settle(pilot) -> None:
    """Let the screen finish laying out, however loaded the machine is."""
    await pilot.pause(0.2)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_quickstart(snap_compare, snap_state):
    assert snap_compare(make_app(frozen=True), run_before=settle)


def test_quickstart_manual_with_errors(snap_compare, snap_state):
    async def manual_bad_port(pilot):
        await pilot.click("#opt-flow-manual")
        pilot.app.screen.query_one("#field-gateway_port").value = "99999"
        await pilot.pause()
        await pilot.click("#next")
        await settle(pilot)

    assert snap_compare(make_app(frozen=True), run_before=manual_bad_port)


def test_existing(snap_compare, snap_state):
    (snap_state / "openclaw.toml").write_text(EXISTING)
    machine = make_machine()
    values, _ = machine.resolve("quickstart")
    machine.next(values)
    assert snap_compare(make_app(machine, frozen=True), run_before=settle)


def test_channels_with_telegram(snap_compare, snap_state):
    async def pick_telegram(pilot):
        pilot.app.screen.query_one("#field-channels").focus()
        await pilot.press("space")
        pilot.app.screen.query_one("#field-telegram_token").value = "12345"
        await pilot.pause()
        pilot.app.screen.query_one("#field-channels").focus()
        await settle(pilot)

    assert snap_compare(make_app(walked_machine("channels"), frozen=True), run_before=pick_telegram)


def test_skills(snap_compare, snap_state):
    assert snap_compare(make_app(walked_machine("skills"), frozen=True), run_before=settle)


def test_hooks(snap_compare, snap_state):
    assert snap_compare(make_app(walked_machine("hooks"), frozen=True), run_before=settle)


def test_hatch(snap_compare, snap_state):
    assert snap_compare(make_app(walked_machine("hatch"), frozen=True), run_before=settle)


def test_authorization(snap_compare, snap_state):
    assert snap_compare(codex_app(), run_before=settle)


def test_authorization_120x40(snap_compare, snap_state):
    assert snap_compare(codex_app(), run_before=settle, terminal_size=(120, 40))


def test_authorization_light(snap_compare, snap_state):
    assert snap_compare(codex_app(theme="textual-light"), run_before=settle, terminal_size=(120, 40))


def feed(panel, *messages) -> None:
    for message in messages:
        panel.post_message(message)


async def waiting_for_browser(pilot):
    from screens.signin_panel import SignInPanel

    panel = pilot.app.screen.query_one(SignInPanel)
    panel.state = "running"
    panel.set_class(True, "-pasteable")
    feed(panel, SignInPanel.UrlReady(SIGN_IN_URL),
         SignInPanel.Note("No browser here (SSH session): open the address on any computer."),
         SignInPanel.Waiting(FROZEN_NOW + 599.4))
    await settle(pilot)


def test_authorization_waiting(snap_compare, snap_state, monkeypatch):
    assert snap_compare(signin_app(monkeypatch), run_before=waiting_for_browser, terminal_size=(120, 40))


def test_authorization_waiting_80x24(snap_compare, snap_state, monkeypatch):
    assert snap_compare(signin_app(monkeypatch), run_before=waiting_for_browser)


def test_authorization_device_code(snap_compare, snap_state, monkeypatch):
    async def device(pilot):
        from screens.signin_panel import SignInPanel

        panel = pilot.app.screen.query_one(SignInPanel)
        panel.method = "device"
        panel.state = "running"
        feed(panel, SignInPanel.DeviceCode("BCDF-GHJK", "https://auth.openai.com/codex/device"),
             SignInPanel.Waiting(FROZEN_NOW + 900))
        await settle(pilot)

    assert snap_compare(signin_app(monkeypatch), run_before=device, terminal_size=(120, 40))


def test_authorization_signed_in(snap_compare, snap_state, monkeypatch):
    async def signed_in(pilot):
        from screens.signin_panel import SignInPanel

        panel = pilot.app.screen.query_one(SignInPanel)
        panel.state = "running"
        feed(panel, SignInPanel.Finished({"email": "dev@example.com", "plan": "plus"}, None))
        await settle(pilot)

    assert snap_compare(signin_app(monkeypatch), run_before=signed_in)


def test_authorization_error(snap_compare, snap_state, monkeypatch):
    async def failed(pilot):
        from screens.signin_panel import SignInPanel

        panel = pilot.app.screen.query_one(SignInPanel)
        panel.state = "running"
        feed(panel, SignInPanel.Finished(None, "the provider did not complete the sign-in: access_denied: "
                                               "The user denied access\nhint: start the sign-in again to retry"))
        await settle(pilot)

    assert snap_compare(signin_app(monkeypatch), run_before=failed)


def test_review(snap_compare, snap_state):
    assert snap_compare(make_app(walked_machine("review"), frozen=True), run_before=settle)


def test_done(snap_compare, snap_state):
    async def finish(pilot):
        await pilot.click("#next")
        await settle(pilot)

    assert snap_compare(make_app(walked_machine("review"), frozen=True), run_before=finish)


def test_quit_modal(snap_compare, snap_state):
    async def ask_to_quit(pilot):
        await pilot.press("ctrl+q")
        await settle(pilot)

    assert snap_compare(make_app(frozen=True), run_before=ask_to_quit)


def test_too_small(snap_compare, snap_state):
    assert snap_compare(make_app(frozen=True), run_before=settle, terminal_size=(40, 12))


@pytest.fixture(autouse=True)
def _no_animation(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
