"""Randomness of sign-ins, seen from the provider's side: no two sign-ins share a state, a challenge or a
verifier, and a code carried into another sign-in is useless (the server refuses the other verifier and
burns the code).

The real `openclaw models auth login` runs against the test server, which records every authorize request
and every verifier it is sent.
"""

from __future__ import annotations

import re

from tests.e2e.test_signin import Login, query_of
from tests.support.figures import figure
from tests.support.oauth_server import pkce_challenge

SEQUENTIAL = 4
AT_ONCE = 2
LOGIN = ("models", "auth", "login", "--provider", "openai-codex", "--method", "paste", "--no-browser")



def signed_in(run: Login, oauth) -> None:
    run.paste(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish(timeout=30)
    assert code == 0, stderr


def test_no_two_sign_ins_share_a_state_a_challenge_or_a_verifier(spawn_cli, oauth, point_codex_at):
    point_codex_at(oauth)
    for _ in range(SEQUENTIAL):
        signed_in(Login(spawn_cli(*LOGIN)), oauth)
    together = [Login(spawn_cli(*LOGIN)) for _ in range(AT_ONCE)]
    urls = [run.authorize_url() for run in together]  # both are waiting at the same time
    for run, url in zip(together, urls, strict=True):
        run.paste(oauth.authorize(url))
        code, _, stderr = run.finish(timeout=30)
        assert code == 0, stderr
    total = SEQUENTIAL + AT_ONCE
    requests, verifiers = oauth.authorize_history, oauth.verifiers
    assert len(requests) == len(verifiers) == total
    states = [params["state"] for params in requests]
    challenges = [params["code_challenge"] for params in requests]
    assert len(set(states)) == len(set(challenges)) == len(set(verifiers)) == total
    assert [pkce_challenge(verifier) for verifier in verifiers] == challenges
    for state, verifier in zip(states, verifiers, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", state), "a state of less than 256 bits"
        assert re.fullmatch(r"[A-Za-z0-9._~-]{43,128}", verifier)
        assert state not in verifier and verifier not in state
    figure(f"{total} real sign-ins ({AT_ONCE} of them at once) sent {total} distinct states, {total} distinct "
           f"challenges and {total} distinct verifiers, each verifier matching its own challenge")


def test_a_code_carried_into_another_sign_in_is_refused_and_burned(spawn_cli, oauth, point_codex_at, state_dir):
    point_codex_at(oauth)
    first, second = Login(spawn_cli(*LOGIN)), Login(spawn_cli(*LOGIN))
    first_location = oauth.authorize(first.authorize_url())
    second_url = second.authorize_url()
    second.paste(query_of(first_location)["code"])  # a bare code: no state to catch it, only PKCE
    second.wait_for(r"Not accepted: the provider did not accept that code \(code_verifier does not match")
    first.paste(first_location)  # the rightful owner comes too late: the failed check burned the code
    code, _, stderr = first.finish(timeout=30)
    assert code == 1 and "authorization code already used" in stderr, stderr
    second.paste(oauth.authorize(second_url))
    code, _, stderr = second.finish(timeout=30)
    assert code == 0, stderr
    assert oauth.stats["token_authorization_code"] == 3
    figure("a code carried into another sign-in was refused by PKCE (the other verifier) and burned for its owner")
