"""The test harness itself: children start with default signal handling; ports stay off the machine's 1455/1457."""

from __future__ import annotations

import signal
import subprocess
from contextlib import contextmanager

import pytest

from tests.e2e.test_signin import Login
from tests.support import children
from tests.support.ports import REGISTERED_CODEX_PORTS, in_private_netns


@contextmanager
def runner_ignoring_sigint_and_sigterm():
    """What a test runner started in the background inherits: SIGINT and SIGTERM ignored."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in children.DEFAULT_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def test_a_plain_child_would_inherit_the_ignored_signals():
    """The control: without the helper, the condition the helper exists for really happens."""
    with runner_ignoring_sigint_and_sigterm():
        proc = subprocess.Popen(["sleep", "30"])
    try:
        assert {signal.SIGINT, signal.SIGTERM} <= children.ignored_signals(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def test_children_start_with_default_sigint_and_sigterm_whatever_the_runner_ignores():
    with runner_ignoring_sigint_and_sigterm():
        proc = children.popen(["sleep", "30"])
    try:
        assert not {signal.SIGINT, signal.SIGTERM} & children.ignored_signals(proc.pid)
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_cli_started_by_the_fixture_still_exits_130_on_a_signal(spawn_cli, sig):
    with runner_ignoring_sigint_and_sigterm():
        run = Login(spawn_cli("models", "auth", "login", "--provider", "openai-codex", "--method", "paste",
                              "--no-browser"))
    run.wait_for(r"Waiting for sign-in")
    run.proc.send_signal(sig)
    code, _, stderr = run.finish()
    assert code == 130, stderr


def test_point_codex_at_uses_free_ports_outside_a_private_network_namespace(point_codex_at, oauth, codex_ports,
                                                                           state_dir):
    point_codex_at(oauth)
    text = (state_dir / "providers.toml").read_text()
    if in_private_netns():
        assert tuple(codex_ports) == REGISTERED_CODEX_PORTS and "redirect_ports" not in text
    else:
        assert not set(codex_ports) & set(REGISTERED_CODEX_PORTS)
        assert f"redirect_ports = [{codex_ports[0]}, {codex_ports[1]}]" in text
