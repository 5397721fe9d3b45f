"""`models status`'s usage fetch goes out without httpx2 (wizard.auth.httpget), keeps the hardening's
rules (the Bearer token only over https or to a loopback test server), and pays only for what it uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OPENCLAW
from tests.e2e.test_real_credentials import minted_codex_auth, providers_toml, write_codex_file
from tests.support.backend_server import usage_body
from tests.support.raw_server import answer, response, self_signed_certificate, server, tls_server_context

USAGE_PATH = "/backend-api/wham/usage"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "tls"
    folder.mkdir()
    return self_signed_certificate(folder)


def heavy_modules_after(argv: list[str], env: dict, cwd: Path) -> list[str]:
    """Run the installed script in-process under a probe; the heavy HTTP/OAuth modules it loaded."""
    code = ("import runpy, sys\nsys.argv = " + repr([str(OPENCLAW), *argv]) + "\n"
            "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('HEAVY=' + ','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'httpx2', 'httpcore2', 'httpx', 'authlib', 'anyio', 'h11', 'textual', 'tomlkit', 'argparse'})))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd,
                            timeout=60)
    assert "HEAVY=" in result.stdout, result.stderr
    return [m for m in result.stdout.rsplit("HEAVY=", 1)[1].strip().split(",") if m]


def test_usage_over_plain_http_to_loopback_without_httpx2(run_cli, cli_env, state_dir, oauth, tmp_path) -> None:
    body = json.dumps(usage_body(primary_used=25)).encode()
    reply = response("200 OK", [f"Content-Length: {len(body)}", "Content-Type: application/json"], body)
    with server(answer(reply)) as (url, requests):
        providers_toml(state_dir, oauth, usage_url=url + USAGE_PATH)
        write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * 86400))
        result = run_cli("models", "status")
        assert result.returncode == 0, result.stderr
        assert "openai-codex usage: 5h 75% left" in result.stdout
        assert heavy_modules_after(["models", "status"], cli_env, tmp_path) == []
    assert len(requests) == 2 and requests[0].startswith(f"GET {USAGE_PATH} HTTP/1.1".encode())
    assert b"\r\nAuthorization: Bearer " in requests[0] and b"\r\nChatGPT-Account-Id: acct_test" in requests[0]


def test_usage_over_https_with_the_trust_httpx2_would_use(run_cli, cli_env, state_dir, oauth, certificate) -> None:
    body = json.dumps(usage_body(primary_used=10)).encode()
    reply = response("200 OK", [f"Content-Length: {len(body)}", "Content-Type: application/json"], body)
    with server(answer(reply), tls=tls_server_context(certificate)) as (url, requests):
        providers_toml(state_dir, oauth, usage_url=url.replace("127.0.0.1", "localhost") + USAGE_PATH)
        write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * 86400))
        untrusted = run_cli("models", "status")
        assert untrusted.returncode == 0 and "Traceback" not in untrusted.stderr
        assert "openai-codex usage: unavailable (offline: the usage endpoint at localhost:" in untrusted.stdout
        assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stdout and requests == []  # no token sent
        trusted = run_cli("models", "status", env={"SSL_CERT_FILE": str(certificate[0])})
        assert "openai-codex usage: 5h 90% left" in trusted.stdout, trusted.stdout
    assert len(requests) == 1


def test_usage_never_goes_over_plain_http_off_loopback(run_cli, cli_env, state_dir, oauth) -> None:
    providers_toml(state_dir, oauth, usage_url="http://usage.example.invalid" + USAGE_PATH)
    write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * 86400))
    result = run_cli("models", "status")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("openai-codex usage:"))
    assert "unavailable (" in line and "usage_url = 'http://usage.example.invalid" in line
    assert "is not https: tokens would cross the network unencrypted" in line


def test_through_a_proxy_the_request_is_httpx2s(run_cli, cli_env, state_dir, oauth, tmp_path) -> None:
    """A proxy in the environment: httpx2 sends it (honouring NO_PROXY for the loopback server here)."""
    body = json.dumps(usage_body(primary_used=50)).encode()
    reply = response("200 OK", [f"Content-Length: {len(body)}", "Content-Type: application/json"], body)
    env = {**cli_env, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "NO_PROXY": "127.0.0.1"}
    with server(answer(reply)) as (url, _):
        providers_toml(state_dir, oauth, usage_url=url + USAGE_PATH)
        write_codex_file(cli_env, minted_codex_auth(oauth, access_ttl=3 * 86400))
        result = run_cli("models", "status", env=env)
        assert "openai-codex usage: 5h 50% left" in result.stdout, result.stdout
        assert "httpx2" in heavy_modules_after(["models", "status"], env, tmp_path)
