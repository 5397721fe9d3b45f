"""Refresh against the real OAuth test server: rotation persisted, reuse detected, one refresh for many processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, snapshot_files
from tests.support import children
from tests.support.figures import figure
from wizard.auth import oauth, store
from wizard.auth.refresh import ensure_fresh, refresh
from wizard.errors import WizardError

SIGN_IN_AGAIN = "sign in again: openclaw models auth login --provider openai-codex"


@pytest.fixture
def codex(oauth, point_codex_at, state_dir, monkeypatch):
    """The in-process refresh pointed at the test server, with this test's state dir."""
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    point_codex_at(oauth)
    return oauth


def seed(server, *, access_ttl: int, provider: str = "openai-codex") -> dict:
    tokens = server.mint_tokens(access_ttl=access_ttl)
    record = oauth.credential_record(provider, tokens)
    store.save(record)
    return record


def files_but_locks(state_dir: Path) -> dict[str, bytes]:
    """The state files; the (empty) refresh lock file may appear, it is not data."""
    return {name: data for name, data in snapshot_files(state_dir).items() if not name.endswith(".lock")}


def stored(state_dir: Path) -> dict:
    return json.loads((state_dir / "credentials" / "openai-codex.json").read_text())


def test_refresh_rotates_and_persists_before_returning(codex, state_dir):
    old = seed(codex, access_ttl=60)
    new = refresh("openai-codex")
    assert codex.stats["token_refresh"] == 1
    assert new["refresh_token"] != old["refresh_token"] and new["access_token"] != old["access_token"]
    assert stored(state_dir) == new
    assert new["expires_at"] > old["expires_at"]
    assert codex.is_access_token_valid(new["access_token"])
    assert (new["email"], new["plan"], new["account_id"]) == ("dev@example.com", "plus", "acct_test")


def test_refresh_skips_a_fresh_record_unless_forced(codex):
    old = seed(codex, access_ttl=3600)
    assert refresh("openai-codex") == old
    assert ensure_fresh("openai-codex") == old
    assert codex.stats["token_refresh"] == 0
    assert refresh("openai-codex", force=True)["refresh_token"] != old["refresh_token"]
    assert codex.stats["token_refresh"] == 1


def test_ensure_fresh_refreshes_inside_the_skew(codex):
    seed(codex, access_ttl=120)
    assert ensure_fresh("openai-codex", skew_seconds=60)["refresh_token"]
    assert codex.stats["token_refresh"] == 0
    ensure_fresh("openai-codex", skew_seconds=300)
    assert codex.stats["token_refresh"] == 1


def test_reused_refresh_token_says_sign_in_again(codex, state_dir):
    seed(codex, access_ttl=-10)
    record = stored(state_dir)
    refresh("openai-codex")  # rotates: the seeded refresh token is now spent
    store.save(record)  # e.g. a backup restored over the rotated file
    before = files_but_locks(state_dir)
    with pytest.raises(WizardError) as caught:
        refresh("openai-codex")
    assert "refresh_token_reused" in caught.value.message
    assert SIGN_IN_AGAIN in caught.value.message
    assert record["refresh_token"] not in caught.value.render()
    after = stored(state_dir)  # the tokens stay as they were; the record now says the sign-in is revoked
    assert {k: v for k, v in after.items() if k != "revoked"} == record
    assert after["revoked"]["error"] == "invalid_grant" and "refresh_token_reused" in after["revoked"]["description"]
    assert set(files_but_locks(state_dir)) == set(before)
    with pytest.raises(WizardError, match="was revoked"):  # known dead: not sent to the provider again
        refresh("openai-codex")
    assert codex.stats["token_refresh"] == 2


@pytest.mark.parametrize("fault, words", [("500", "server_error"), ("html", "HTML page")])
def test_temporary_refresh_failure_keeps_the_file(codex, state_dir, fault, words):
    seed(codex, access_ttl=-10)
    before = files_but_locks(state_dir)
    codex.fail_next_token(fault)
    with pytest.raises(WizardError) as caught:
        refresh("openai-codex")
    assert words in caught.value.message and "sign in again" not in caught.value.message
    assert files_but_locks(state_dir) == before


def test_corrupt_credentials_file_is_a_clear_message_and_kept(codex, state_dir):
    creds = state_dir / "credentials"
    creds.mkdir(mode=0o700)
    (creds / "openai-codex.json").write_text('{"provider": "openai-codex", "expires_at": "soon"}')
    before = files_but_locks(state_dir)
    with pytest.raises(store.CredentialError, match="access_token"):
        ensure_fresh("openai-codex")
    assert files_but_locks(state_dir) == before


def test_missing_credentials_say_how_to_sign_in(codex):
    with pytest.raises(WizardError) as caught:
        refresh("openai-codex")
    assert "openclaw models auth login --provider openai-codex" in caught.value.render()


RACER = """
import json, os, sys, time
from wizard.auth import oauth  # the HTTP stack loads before the start line, not during the race
from wizard.auth.refresh import ensure_fresh
open(sys.argv[2], "x").close()  # at the start line
while not os.path.exists(sys.argv[1]):
    time.sleep(0.002)
print(json.dumps(ensure_fresh("openai-codex")["access_token"]))
"""


def wait_for_files(paths: list[Path], racers: list[subprocess.Popen], timeout: float = 30) -> None:
    """Until every racer has touched its ready file (a racer that dies first fails the test at once)."""
    deadline = time.monotonic() + timeout
    while not all(path.exists() for path in paths):
        dead = [proc for proc in racers if proc.poll() is not None]
        assert not dead, [proc.communicate()[1] for proc in dead]
        assert time.monotonic() < deadline, "the racers did not all reach the start line"
        time.sleep(0.01)


def test_eight_processes_refresh_once(codex, state_dir, cli_env, tmp_path):
    seed(codex, access_ttl=-10)
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{index}" for index in range(8)]
    racers = [children.popen([sys.executable, "-c", RACER, str(go), str(path)], env=cli_env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in ready]
    wait_for_files(ready, racers)  # every racer has imported and reached the start line
    go.touch()
    results = [proc.communicate(timeout=30) for proc in racers]
    assert [proc.returncode for proc in racers] == [0] * 8, [err for _, err in results]
    tokens = {json.loads(out) for out, _ in results}
    assert len(tokens) == 1
    assert codex.stats["token_refresh"] == 1
    token = tokens.pop()
    assert codex.is_access_token_valid(token)
    figure(f"{len(racers)} processes running the real refresh code at once on one expired sign-in made 1 "
           "refresh reach the server")
    assert stored(state_dir)["access_token"] == token


def test_the_rotated_token_is_on_disk_before_the_new_access_token_is_used(codex, state_dir, spawn_cli, run_cli):
    """A process that dies while using a freshly refreshed access token must not take the rotated refresh
    token with it: the old one is spent, and replaying it would revoke the whole sign-in."""
    old = seed(codex, access_ttl=-10)
    codex.hold_invokes()
    try:
        proc = spawn_cli("models", "invoke", "--provider", "openai-codex", "--model", "openai-codex/gpt-5.2",
                         "--prompt", "hello")
        deadline = time.monotonic() + 20
        while not codex.invoke_bearers:
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else ""
            time.sleep(0.01)
        in_use = codex.invoke_bearers[0]
        on_disk = stored(state_dir)  # read while the call that uses the new token is still in flight
        assert in_use != old["access_token"] and on_disk["access_token"] == in_use
        assert on_disk["refresh_token"] != old["refresh_token"]
        assert codex.is_refresh_token_live(on_disk["refresh_token"])
        proc.kill()  # the process dies mid-call
        proc.wait(timeout=10)
    finally:
        codex.release_invokes()
    after = run_cli("models", "auth", "refresh", "--provider", "openai-codex")
    assert after.returncode == 0, after.stderr
    assert codex.stats["token_refresh"] == 2
    figure("a process killed while its freshly refreshed access token was in use left the rotated refresh "
           "token on disk, and it was still accepted")
