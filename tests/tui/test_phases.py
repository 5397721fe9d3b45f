"""One flow, two drivers: the same answers give the same phases in the TUI and headless.

Both runs start from a fresh state dir with the same presets and sign in by device code against
the real test OAuth server; the machine's phase log (steps recorded, the pre-check, the sign-in,
its outcome, review, done) must be identical.
"""

from __future__ import annotations

import io
import json
import shutil

import pytest

from tests.tui.conftest import make_app, make_machine, presets_for
from tests.tui.pilot_helpers import click, on_screen, screen_name, text_of

pytestmark = pytest.mark.anyio

ANSWERS = {
    "quickstart": {"flow": "quickstart", "accept_risk": True},
    "channels": {"channels": []},
    "skills": {"skills": []},
    "hooks": {"hooks": [], "webhook_url": ""},
    "hatch": {"hatch": False},
    "authorization": {"auth_choice": "openai-codex", "method": "device"},
}


class ApprovingStream(io.StringIO):
    """stdout of the headless driver with --json: approves the device code the moment it is shown."""

    def __init__(self, oauth):
        super().__init__()
        self.oauth = oauth

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.startswith("{") and json.loads(line).get("event") == "device_code":
                self.oauth.approve_device(json.loads(line)["user_code"])
        return super().write(text)


def headless_log(oauth) -> list[str]:
    from wizard import headless
    from wizard.output import Output
    from wizard.request import OnboardRequest, SignInOptions, frozen_presets

    request = OnboardRequest(presets=frozen_presets(presets_for(**ANSWERS)), headless_reason="test",
                             signin=SignInOptions(no_browser=True, timeout=60))
    machine = make_machine()
    out = Output(json_mode=True, out=ApprovingStream(oauth), err=io.StringIO())
    assert headless.run(request, machine, out) == 0
    return machine.log


async def tui_log(oauth) -> list[str]:
    app = make_app(make_machine(), presets_for(**ANSWERS))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while screen_name(pilot) != "sign-in":
            await click(pilot, "#next")
        for _ in range(200):
            if "enter" in text_of(pilot, "#signin-url"):
                break
            await pilot.pause(0.05)
        oauth.approve_device(text_of(pilot, "#signin-url").split()[-1])
        for _ in range(200):
            if not on_screen(pilot, "#next").disabled:
                break
            await pilot.pause(0.05)
        await click(pilot, "#next")
        assert screen_name(pilot) == "review"
        await click(pilot, "#next")
        assert screen_name(pilot) == "done"
        await click(pilot, "#next")
    assert app.return_value == 0
    return app.machine.log


async def test_tui_and_headless_go_through_the_same_phases(tui_state, oauth, point_codex_at):
    point_codex_at(oauth)
    providers = (tui_state / "providers.toml").read_text()
    tui = await tui_log(oauth)

    shutil.rmtree(tui_state)
    tui_state.mkdir(mode=0o700)
    (tui_state / "providers.toml").write_text(providers)
    headless = headless_log(oauth)

    assert tui == headless
    assert tui == ["step:quickstart:done", "step:channels:done", "step:skills:done", "step:hooks:done",
                   "step:hatch:done", "step:authorization:done", "sign-in", "precheck",
                   "sign-in:openai-codex:device", "signed-in:openai-codex", "review", "done"]
    assert oauth.stats["token_authorization_code"] == 2  # one real sign-in per driver
