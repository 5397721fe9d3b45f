"""The sign-in tests on the ports openai-codex really uses, 1455 and 1457, without touching the machine's.

Binding 1455/1457 on the machine's own network would disturb a person signing in while the suite runs
(or another checkout's suite), so the `codex_default_ports` tests of test_signin.py run a second time in
a private network namespace (`unshare -rn`, loopback brought up inside), where those ports are ours.
Outside it the same tests run on two free ports (the `codex_ports` fixture).
"""

from __future__ import annotations

import os
import re
import shutil
import sys

import pytest

from tests.conftest import ROOT
from tests.support import children
from tests.support.figures import figure
from tests.support.ports import NETNS_ENV, network_namespace


def can_make_a_private_network_namespace() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = children.run(["unshare", "-rn", "true"], capture_output=True)
    return probe.returncode == 0


def test_default_port_sign_ins_run_in_a_private_network_namespace(tmp_path):
    if not can_make_a_private_network_namespace():
        pytest.skip("this machine allows no private network namespace (unshare -rn); the sign-in tests ran on "
                    "free ports instead")
    env = {**os.environ, NETNS_ENV: str(network_namespace())}
    argv = ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "codex_default_ports",
            "--basetemp", str(tmp_path / "inner"), "tests/e2e/test_signin.py"]
    result = children.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) >= 8, output
    assert not re.search(r"\d+ (skipped|failed|error)", output), output
    figure(f"{passed.group(1)} sign-in tests ran again on the registered ports 1455 and 1457 inside a private "
           "network namespace; on the machine's own network every test uses free ports")
