"""Japanese SVG snapshots: every screen at 80x24 (dark theme), the Authorization step and its sign-in
panel (waiting) at 120x40, and the too-small notice; the language set as `--lang ja` sets it.

The scenarios are the English snapshots' own (tests/tui/test_snapshots.py). Update with
`pytest tests/tui/test_snapshots_ja.py --snapshot-update`, render each changed SVG to PNG and look at
it: nothing cut, no line starting with a closing bracket or 。, buttons, footer and sidebar whole. To
render: a Japanese font must be installed (e.g. the Debian package fonts-ipafont-gothic), and rsvg drops
the leading spaces of these SVGs' lines unless told to keep them:
    sed 's/<svg /<svg xml:space="preserve" /' 'snapshots/test_screen_ja[done].svg' | rsvg-convert -o done.png
(spacing around Japanese text can still look uneven in the PNG; tests/tui/test_fit_ja.py measures the
real layout.)
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import make_app
from tests.tui.test_snapshots import NEEDS_STATE, SCENARIOS, settle

WIDE = ("authorization", "authorization_with_a_browser", "sign_in_waiting", "sign_in_device_code")


@pytest.fixture(autouse=True)
def _japanese(monkeypatch):
    from wizard import i18n

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    i18n.use(i18n.choose("ja", {}))  # what `openclaw --lang ja onboard` does before the app starts
    yield
    i18n.use("en")


def _app(scenario: str, state):
    make = SCENARIOS[scenario]
    machine, presets, run_before = make(state) if make in NEEDS_STATE else make()
    return make_app(machine, presets, frozen=True, theme="textual-dark"), run_before


def _no_sign_in_starts(monkeypatch) -> None:
    from screens.app import OnboardApp

    monkeypatch.setattr(OnboardApp, "on_sign_in_screen_begin_requested", lambda app, message: None)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_screen_ja(snap_compare, snap_state, monkeypatch, scenario):
    _no_sign_in_starts(monkeypatch)
    app, run_before = _app(scenario, snap_state)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


@pytest.mark.parametrize("scenario", WIDE)
def test_screen_ja_wide(snap_compare, snap_state, monkeypatch, scenario):
    _no_sign_in_starts(monkeypatch)
    app, run_before = _app(scenario, snap_state)
    assert snap_compare(app, run_before=run_before, terminal_size=(120, 40))


def test_too_small_ja(snap_compare, snap_state):
    assert snap_compare(make_app(frozen=True, theme="textual-dark"), run_before=settle, terminal_size=(40, 12))
