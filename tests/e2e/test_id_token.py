"""id_token signatures: a custom OIDC provider's id_token is checked against its published keys.

The real `openclaw models auth login` signs in to `localidp` (the test server found by discovery, which
publishes an RS256 key at its jwks_uri); the server forges the id_token in each way it knows.
Every forgery is refused before anything is stored; the genuine token is accepted.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import snapshot_files
from tests.e2e.test_signin import Login
from tests.support.figures import figure
from tests.support.oauth_server import ID_TOKEN_FORGERIES, decode_jwt

LOGIN = ("models", "auth", "login", "--provider", "localidp", "--method", "paste", "--no-browser")


def paste_sign_in(spawn_cli, oauth) -> tuple[int, str, str]:
    run = Login(spawn_cli(*LOGIN))
    run.paste(oauth.authorize(run.authorize_url()))
    return run.finish(timeout=30)


def test_a_genuine_id_token_is_verified_and_stored(spawn_cli, oauth, point_codex_at, state_dir):
    point_codex_at(oauth)
    code, _, stderr = paste_sign_in(spawn_cli, oauth)
    assert code == 0, stderr
    record = json.loads((state_dir / "credentials" / "localidp.json").read_text())
    assert decode_jwt(record["id_token"])["aud"] == "test-oidc-client"


@pytest.mark.parametrize("forgery", ID_TOKEN_FORGERIES)
def test_a_forged_id_token_is_refused_and_nothing_is_stored(spawn_cli, oauth, point_codex_at, state_dir, forgery):
    point_codex_at(oauth)
    before = snapshot_files(state_dir)
    oauth.forge_next_id_token(forgery)
    code, stdout, stderr = paste_sign_in(spawn_cli, oauth)
    assert code == 1, stderr
    assert "the id_token from localidp failed verification" in stderr and "nothing was stored" in stderr
    assert "Traceback" not in stderr
    assert snapshot_files(state_dir) == before
    assert oauth.stats["token_authorization_code"] == 1  # refused after the exchange, not before it
    if forgery == ID_TOKEN_FORGERIES[-1]:
        figure(f"{len(ID_TOKEN_FORGERIES)} kinds of forged id_token from a custom OIDC provider (another key, "
               "an unpublished key, alg none, HS256 keyed with the public key, wrong audience, wrong issuer, "
               "expired, tampered claims) were each refused before anything was stored")


def test_the_id_token_of_a_device_sign_in_is_checked_too(spawn_cli, oauth, point_codex_at, state_dir):
    point_codex_at(oauth)
    oauth.forge_next_id_token("wrong-key")
    run = Login(spawn_cli("models", "auth", "login", "--provider", "localidp", "--method", "device"))
    oauth.approve_device(run.wait_for(r"^\s+([A-Z]{4}-[A-Z]{4})\s*$").group(1))
    code, _, stderr = run.finish(timeout=30)
    assert code == 1 and "signature does not match the provider's published keys" in stderr, stderr
    assert not (state_dir / "credentials" / "localidp.json").exists()
