"""TUI test fixtures: an app over a real machine in a temporary (or, for snapshots, fixed) state dir.

Snapshots go to the top-level snapshots/ folder: the SVG extension's dirname is overridden here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import pytest_textual_snapshot

from wizard.auth.browser import why_no_browser
from wizard.i18n import M

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_DIR = ROOT / "snapshots"
# A fixed state dir for snapshot tests, so no path on screen or in a diff ever changes between runs
# (HOME is its parent: paths read ~/.openclaw/...). Two checkouts running their suites at once take
# turns through SNAPSHOT_LOCK.
SNAPSHOT_STATE = Path("/tmp/openclaw-snapshots/.openclaw")
SNAPSHOT_LOCK = Path("/tmp/openclaw-snapshots.lock")
FROZEN_NOW = 1000.0
PRESENT_BINARIES = {"git", "curl"}


class TopLevelSVGExtension(pytest_textual_snapshot.SVGImageExtension):
    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOT_DIR)


@pytest.fixture(autouse=True)
def _snapshots_at_top_level(monkeypatch):
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", TopLevelSVGExtension)


def _clean_env(monkeypatch, state: Path, home: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("OPENCLAW_", "CODEX_", "SSH_")) or name in {"OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                                                                          "DISPLAY", "WAYLAND_DISPLAY", "BROWSER"}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CODEX_HOME", str(home / ".codex"))


@pytest.fixture
def tui_state(monkeypatch, state_dir: Path, tmp_path: Path) -> Path:
    """OPENCLAW_STATE_DIR -> the test's state dir; no developer env leaks in."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    _clean_env(monkeypatch, state_dir, home)
    return state_dir


@pytest.fixture
def snap_state(monkeypatch) -> Path:
    """A fixed, freshly emptied state dir for snapshots, held for this test alone."""
    import fcntl

    with open(SNAPSHOT_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(SNAPSHOT_STATE.parent, ignore_errors=True)
        SNAPSHOT_STATE.mkdir(parents=True, mode=0o700)
        # HOME above the state dir, as for a real user: paths show as ~/.openclaw/...
        _clean_env(monkeypatch, SNAPSHOT_STATE, SNAPSHOT_STATE.parent)
        yield SNAPSHOT_STATE
        shutil.rmtree(SNAPSHOT_STATE.parent, ignore_errors=True)


# the product's own reason where no display is set (a message: Japanese runs show its Japanese)
NO_DISPLAY = why_no_browser({}, "linux")


def make_machine(*, start_at: str | None = None, which=None, browser_blocked: str | None = NO_DISPLAY):
    """The machine a TUI run gets (a person answers), on a machine where no browser can open unless told."""
    from wizard.context import load_context
    from wizard.machine import Machine

    machine = Machine(load_context(interactive=True))
    machine.ctx.browser_blocked = browser_blocked
    if which is not None:
        machine.ctx.which = which
    if start_at:
        machine.start_at(start_at)
    return machine


def presets_for(**steps: dict) -> dict:
    from wizard.request import Preset

    return {step: {k: Preset(v, "test", "test") for k, v in values.items()} for step, values in steps.items()}


def make_request(presets: dict | None = None, *, save_answers: Path | None = None, **signin):
    """The request a TUI run gets from the command line: presets, and sign-in flags that never open a browser."""
    from wizard.request import OnboardRequest, SignInOptions, frozen_presets

    options = SignInOptions(**{"no_browser": True, "timeout": 600.0, **signin})
    return OnboardRequest(presets=frozen_presets(presets or {}), save_answers=save_answers, signin=options)


def make_app(machine=None, presets: dict | None = None, *, frozen: bool = False, save_answers: Path | None = None,
             signin: dict | None = None, **kwargs):
    from screens.app import OnboardApp

    machine = machine or make_machine()
    if frozen:
        kwargs.setdefault("clock", lambda: FROZEN_NOW)
        machine.ctx.which = lambda name: f"/usr/bin/{name}" if name in PRESENT_BINARIES else None
    request = make_request(presets, save_answers=save_answers, **(signin or {}))
    return OnboardApp(machine, request, blink=False, **kwargs)


@pytest.fixture
def core_as_messages():
    """Every step's title, summary, note, field labels, help, placeholders and options as M(...) messages
    (what the core's own conversion does; notes made of
    Advice are said for this driver first), put back as they were afterwards."""
    from wizard.steps import STEPS
    from wizard.steps.base import said

    undo = []

    def convert(obj, *names):
        for name in names:
            value = getattr(obj, name)
            if isinstance(value, str) and value:
                undo.append((obj, name, value))
                obj._set(**{name: M(value)})

    for step in STEPS:
        convert(step, "title", "summary")
        if step.note:
            note = step.note
            undo.append((step, "note", note))
            step._set(note=lambda ctx, note=note: M(note(ctx)) if note(ctx) else None)
        for fld in step.fields:
            convert(fld, "label", "help", "placeholder")
            if fld.note is not None:
                undo.append((fld, "note", fld.note))
                fld._set(note=lambda answers, ctx, note=fld.note: M(said(note(answers, ctx), ctx) or "") or None)
            for option in fld.options:
                convert(option, "label", "help")
    yield
    for obj, name, value in reversed(undo):
        obj._set(**{name: value})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def pytest_configure(config) -> None:
    # Snapshots live in top-level snapshots/, which syrupy cannot relate to the test module's name.
    config.addinivalue_line("filterwarnings", "ignore:\\s*Can not relate snapshot:UserWarning")
