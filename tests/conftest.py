"""Shared fixtures: a temporary state dir, the real `openclaw` as a subprocess, a real OAuth server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import children
from tests.support.ports import codex_ports as pick_codex_ports

ROOT = Path(__file__).resolve().parent.parent

# Locally every run draws new cases; CI replays a fixed set so that a landing never hinges on luck.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "codex_default_ports: a sign-in test run again inside a private network "
                                       "namespace on the registered ports 1455/1457 (tests/e2e/test_codex_ports.py)")


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def cli_env(state_dir: Path, tmp_path: Path) -> dict:
    """A clean environment: no OPENCLAW_* or API keys from the developer's shell, HOME in tmp."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENCLAW_", "CODEX_")) and k not in {"OPENAI_API_KEY", "ANTHROPIC_API_KEY"}}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update({"OPENCLAW_STATE_DIR": str(state_dir), "HOME": str(home), "NO_COLOR": "1",
                "CODEX_HOME": str(home / ".codex"), "PYTHONUNBUFFERED": "1"})
    env.pop("DISPLAY", None)
    env.pop("BROWSER", None)
    return env


OPENCLAW = Path(sys.executable).with_name("openclaw")


def openclaw_argv(*args: str) -> list[str]:
    """The installed console script: the real command users run."""
    if OPENCLAW.exists():
        return [str(OPENCLAW), *args]
    return [sys.executable, "-m", "wizard", *args]


@pytest.fixture
def run_cli(cli_env: dict, tmp_path: Path):
    """Run the real CLI with stdin not a TTY; returns CompletedProcess (text)."""

    def run(*args: str, input: str | None = "", env: dict | None = None, timeout: float = 60,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
        full_env = dict(cli_env)
        full_env.update(env or {})
        return children.run(openclaw_argv(*args), input=input, capture_output=True, text=True,
                            env=full_env, timeout=timeout, cwd=cwd or tmp_path)

    return run


@pytest.fixture
def spawn_cli(cli_env: dict, tmp_path: Path):
    """Start the real CLI as a Popen (stdin/stdout/stderr pipes) for flows that need interaction."""
    procs: list[subprocess.Popen] = []

    def spawn(*args: str, env: dict | None = None) -> subprocess.Popen:
        full_env = dict(cli_env)
        full_env.update(env or {})
        proc = children.popen(openclaw_argv(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=full_env, cwd=tmp_path, bufsize=1)
        procs.append(proc)
        return proc

    yield spawn
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream:
                stream.close()


@pytest.fixture
def unprivileged(cli_env: dict):
    """The CLI run by a user file modes apply to: `nobody` when the suite runs as root (see
    tests/support/unprivileged.py), in a home and state dir that user owns."""
    from tests.support.unprivileged import Unprivileged

    runner = Unprivileged(openclaw_argv, cli_env)
    runner.check_user()
    yield runner
    runner.cleanup()


@pytest.fixture(scope="session")
def oauth_server():
    from tests.support.oauth_server import OAuthTestServer

    server = OAuthTestServer(device_interval=0).start()
    yield server
    server.stop()


@pytest.fixture
def oauth(oauth_server):
    """The session's OAuth server, reset for this test."""
    oauth_server.reset()
    return oauth_server


@pytest.fixture
def codex_ports() -> tuple[int, int]:
    """The two openai-codex callback ports of this test: 1455 and 1457 inside a private network
    namespace, two free ports otherwise (tests/support/ports.py)."""
    return pick_codex_ports()


@pytest.fixture
def point_codex_at(state_dir: Path, codex_ports: tuple[int, int]):
    """Write providers.toml so that openai-codex (and the `localidp` OIDC provider) use the test server.

    openai-codex listens on `codex_ports`, registered with the server; outside a private network
    namespace they are free ports, so no test binds 1455/1457 on the machine's own network."""

    def write(server, *, extra: str = "") -> Path:
        ports = ""
        if list(codex_ports) != [1455, 1457]:
            ports = f"redirect_ports = [{codex_ports[0]}, {codex_ports[1]}]\n"
        for port in codex_ports:
            if hasattr(server, "add_redirect_uri"):  # a stand-in with only an issuer registers nothing
                server.add_redirect_uri(f"http://127.0.0.1:{port}/auth/callback")
        path = state_dir / "providers.toml"
        path.write_text(
            f'[providers.openai-codex]\nissuer = "{server.issuer}"\n{ports}'
            f'invoke_url = "{server.issuer}/backend-api/codex/responses"\n'
            f'usage_url = "{server.issuer}/backend-api/wham/usage"\n\n'
            f'[providers.localidp]\nissuer = "{server.issuer}"\nclient_id = "test-oidc-client"\n'
            + extra)
        return path

    return write


def snapshot_files(state_dir: Path) -> dict[str, bytes]:
    """Every file under the state dir with its bytes: compare before/after a failing run."""
    return {str(p.relative_to(state_dir)): p.read_bytes() for p in sorted(state_dir.rglob("*")) if p.is_file()}


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


@pytest.fixture(scope="session")
def independent_idp():
    """panva's oidc-provider (from the npm registry) on 127.0.0.1, with a public client for two free ports."""
    from tests.support.independent_idp import IdPUnavailable, IndependentIdP, free_ports

    try:
        idp = IndependentIdP.start(free_ports(2))
    except IdPUnavailable as exc:
        unavailable = str(exc)
    else:
        yield idp
        idp.stop()
        return
    pytest.fail(unavailable, pytrace=False)  # never a skip: CI must not pass without this provider
