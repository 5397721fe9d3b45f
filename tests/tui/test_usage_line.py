"""The TUI's sign-in success state shows the account's usage line when the usage endpoint answers."""

from __future__ import annotations

import pytest

from tests.support.backend_server import BackendStandIn, usage_body
from tests.tui.pilot_helpers import on_screen, text_of, type_into
from tests.tui.test_authorization import codex_app, signin_state, start_paste_sign_in, wait_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def backend():
    server = BackendStandIn().start()
    yield server
    server.stop()


def point_at(state, oauth, usage_url: str) -> None:
    (state / "providers.toml").write_text(
        f'[providers.openai-codex]\nissuer = "{oauth.issuer}"\nusage_url = "{usage_url}"\n')


async def sign_in_by_paste(pilot, oauth) -> None:
    panel = await start_paste_sign_in(pilot)
    await type_into(pilot, "#signin-paste", oauth.authorize(panel.url), by_keys=False)
    await pilot.press("enter")
    await wait_for(pilot, lambda: signin_state(pilot) == "signed-in")


async def test_success_shows_the_usage_line(tui_state, oauth, backend):
    point_at(tui_state, oauth, backend.usage_url)
    backend.usage(200, usage_body(primary_used=10, secondary_used=47, primary_reset_after=3600 + 50,
                                  secondary_reset_after=2 * 86400 + 15 * 3600 + 50))
    app = codex_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in_by_paste(pilot, oauth)
        await wait_for(pilot, lambda: "usage:" in text_of(pilot, "#signin-extra"))
        assert text_of(pilot, "#signin-extra") == "openai-codex usage: 5h 90% left ⏱1h · Week 53% left ⏱2d 15h"
        assert "Signed in as dev@example.com" in text_of(pilot, "#signin-status")
        request = backend.seen("/backend-api/wham/usage")[-1]
        assert request["headers"]["chatgpt-account-id"] == "acct_test"
        assert on_screen(pilot, "#signin").record["email"] == "dev@example.com"


async def test_without_an_answer_the_success_state_is_unchanged(tui_state, oauth, backend):
    point_at(tui_state, oauth, backend.usage_url)
    backend.usage(500, {"detail": "down"})
    app = codex_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in_by_paste(pilot, oauth)
        await wait_for(pilot, lambda: backend.seen("/backend-api/wham/usage"))
        await pilot.pause(0.3)
        assert "usage" not in text_of(pilot, "#signin-extra")
        assert "Signed in as dev@example.com" in text_of(pilot, "#signin-status")
