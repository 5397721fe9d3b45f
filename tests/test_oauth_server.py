"""Tests of the OAuth test server itself, talking plain HTTP through urllib."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.support.oauth_server import (
    CODEX_CLIENT_ID,
    DEVICE_CODE_GRANT,
    ID_TOKEN_FORGERIES,
    OIDC_CLIENT_ID,
    AuthorizeError,
    OAuthTestServer,
    decode_jwt,
    pkce_challenge,
)

REDIRECT_URI = "http://127.0.0.1:1455/auth/callback"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --------------------------------------------------------------------------- helpers


class Reply:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> dict:
        return json.loads(self.body)


def call(url: str, *, form: dict | None = None, json_body=None, headers: dict | None = None,
         data: bytes | None = None, timeout: float = 5) -> Reply:
    headers = dict(headers or {})
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def new_pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, pkce_challenge(verifier)


def authorize_url(server: OAuthTestServer, challenge: str, **overrides: str | None) -> str:
    params = {
        "response_type": "code",
        "client_id": CODEX_CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email offline_access",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "st-123",
        **overrides,
    }
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{server.issuer}/oauth/authorize?{query}"


def redirect_params(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def get_code(server: OAuthTestServer, **overrides: str) -> tuple[str, str]:
    verifier, challenge = new_pkce()
    location = server.authorize(authorize_url(server, challenge, **overrides))
    return redirect_params(location)["code"], verifier


def token(server: OAuthTestServer, **params: str) -> Reply:
    return call(f"{server.issuer}/oauth/token", form={"client_id": CODEX_CLIENT_ID, **params})


def exchange(server: OAuthTestServer, code: str, verifier: str, redirect_uri: str = REDIRECT_URI) -> Reply:
    return token(server, grant_type="authorization_code", code=code, code_verifier=verifier,
                 redirect_uri=redirect_uri)


def refresh(server: OAuthTestServer, refresh_token: str) -> Reply:
    # JSON body, the way the real openai-codex client refreshes
    return call(f"{server.issuer}/oauth/token", json_body={
        "client_id": CODEX_CLIENT_ID, "grant_type": "refresh_token",
        "refresh_token": refresh_token, "scope": "openid profile email",
    })


def invoke(server: OAuthTestServer, access_token: str | None, *, account: str = "acct_test",
           stream: bool = False) -> Reply:
    headers = {"ChatGPT-Account-Id": account}
    if access_token:
        headers["Authorization"] = f"Bearer {access_token}"
    body = {"model": "gpt-5-codex", "instructions": "be brief", "stream": stream,
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "hello there"}]}]}
    return call(f"{server.issuer}/backend-api/codex/responses", json_body=body, headers=headers)


def assert_oauth_error(reply: Reply, error: str, status: int = 400) -> dict:
    assert reply.status == status, reply.body
    payload = reply.json()
    assert payload["error"] == error, payload
    assert payload["error_description"]
    return payload


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def shared_server():
    with OAuthTestServer(device_interval=0) as server:
        yield server


@pytest.fixture
def server(shared_server: OAuthTestServer):
    shared_server.reset()
    yield shared_server
    assert shared_server.errors == []


# --------------------------------------------------------------------------- discovery


def test_discovery_document(server):
    doc = call(f"{server.issuer}/.well-known/openid-configuration").json()
    assert doc["issuer"] == server.issuer
    assert doc["authorization_endpoint"] == f"{server.issuer}/oauth/authorize"
    assert doc["token_endpoint"] == f"{server.issuer}/oauth/token"
    assert doc["revocation_endpoint"] == f"{server.issuer}/oauth/revoke"
    assert doc["device_authorization_endpoint"] == f"{server.issuer}/oauth/device/code"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert DEVICE_CODE_GRANT in doc["grant_types_supported"]
    assert call(doc["jwks_uri"]).status == 200


def test_discovery_without_device_flow():
    with OAuthTestServer(device_flow=False) as server:
        doc = call(f"{server.issuer}/.well-known/openid-configuration").json()
        assert "device_authorization_endpoint" not in doc
        assert call(f"{server.issuer}/oauth/device/code", form={"client_id": CODEX_CLIENT_ID}).status == 404
        usercode = call(f"{server.issuer}/api/accounts/deviceauth/usercode", json_body={"client_id": CODEX_CLIENT_ID})
        assert usercode.status == 404


# --------------------------------------------------------------------------- authorize


def test_authorize_and_exchange_with_pkce(server):
    verifier, challenge = new_pkce()
    location = server.authorize(authorize_url(server, challenge, originator="codex_cli_rs"))
    assert location.startswith(REDIRECT_URI + "?")
    params = redirect_params(location)
    assert params["state"] == "st-123" and params["code"]
    assert server.last_authorize_params["originator"] == "codex_cli_rs"

    reply = exchange(server, params["code"], verifier)
    assert reply.status == 200, reply.body
    tokens = reply.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["refresh_token"].startswith("rt_")
    access = decode_jwt(tokens["access_token"])
    assert access["iss"] == server.issuer
    assert access["https://api.openai.com/auth"]["chatgpt_account_id"] == "acct_test"
    assert access["https://api.openai.com/profile"]["email"] == "dev@example.com"
    id_claims = decode_jwt(tokens["id_token"])
    assert id_claims["aud"] == CODEX_CLIENT_ID and id_claims["email"] == "dev@example.com"
    assert server.is_access_token_valid(tokens["access_token"])
    assert server.stats["authorize"] == 1 and server.stats["token_authorization_code"] == 1


def test_second_client_and_added_redirect_uri(server):
    server.add_redirect_uri("http://127.0.0.1:9999/cb")
    code, verifier = get_code(server, client_id=OIDC_CLIENT_ID, redirect_uri="http://127.0.0.1:9999/cb")
    reply = call(f"{server.issuer}/oauth/token", form={
        "client_id": OIDC_CLIENT_ID, "grant_type": "authorization_code", "code": code,
        "code_verifier": verifier, "redirect_uri": "http://127.0.0.1:9999/cb"})
    assert reply.status == 200
    assert decode_jwt(reply.json()["id_token"])["aud"] == OIDC_CLIENT_ID


@pytest.mark.parametrize("overrides", [
    {"client_id": "nope"},
    {"redirect_uri": "http://127.0.0.1:1455/auth/callback/evil"},
    {"redirect_uri": "http://127.0.0.1:1456/auth/callback"},
    {"redirect_uri": None},
])
def test_authorize_never_redirects_to_untrusted_uri(server, overrides):
    _, challenge = new_pkce()
    with pytest.raises(AuthorizeError) as caught:
        server.authorize(authorize_url(server, challenge, **overrides))
    assert caught.value.status == 400 and "<html>" in caught.value.body


@pytest.mark.parametrize("overrides", [
    {"code_challenge_method": "plain"},
    {"code_challenge_method": None},
    {"code_challenge": None},
    {"code_challenge": "too-short"},
    {"response_type": "token"},
])
def test_authorize_invalid_request_redirects_with_error(server, overrides):
    _, challenge = new_pkce()
    params = redirect_params(server.authorize(authorize_url(server, challenge, **overrides)))
    assert params["error"] == "invalid_request" and params["state"] == "st-123"
    assert "code" not in params


def test_authorize_requires_state(server):
    _, challenge = new_pkce()
    params = redirect_params(server.authorize(authorize_url(server, challenge, state=None)))
    assert params["error"] == "invalid_request"


def test_deny_next_authorize(server):
    server.deny_next_authorize()
    _, challenge = new_pkce()
    params = redirect_params(server.authorize(authorize_url(server, challenge)))
    assert params == {"error": "access_denied", "error_description": "The user denied access", "state": "st-123"}
    assert "code" in redirect_params(server.authorize(authorize_url(server, challenge)))


# --------------------------------------------------------------------------- code exchange


def test_wrong_verifier_rejected(server):
    code, _ = get_code(server)
    assert_oauth_error(exchange(server, code, secrets.token_urlsafe(48)), "invalid_grant")
    assert_oauth_error(token(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI),
                       "invalid_request")


def test_a_failed_verifier_burns_the_code(server):
    code, verifier = get_code(server)
    assert_oauth_error(exchange(server, code, secrets.token_urlsafe(48)), "invalid_grant")
    payload = assert_oauth_error(exchange(server, code, verifier), "invalid_grant")
    assert "already used" in payload["error_description"]
    assert server.stats["token_authorization_code"] == 2


def test_authorize_requests_and_verifiers_are_recorded(server):
    first_code, first_verifier = get_code(server, state="s-one")
    second_code, second_verifier = get_code(server, state="s-two")
    assert exchange(server, first_code, first_verifier).status == 200
    assert exchange(server, second_code, second_verifier).status == 200
    assert [params["state"] for params in server.authorize_history] == ["s-one", "s-two"]
    assert [pkce_challenge(v) for v in server.verifiers] == \
        [params["code_challenge"] for params in server.authorize_history]
    server.reset()
    assert server.authorize_history == [] and server.verifiers == []


def test_redirect_uri_mismatch_rejected(server):
    code, verifier = get_code(server)
    reply = exchange(server, code, verifier, redirect_uri="http://localhost:1455/auth/callback")
    assert_oauth_error(reply, "invalid_grant")


def test_code_reuse_rejected_and_tokens_revoked(server):
    code, verifier = get_code(server)
    first = exchange(server, code, verifier).json()
    assert_oauth_error(exchange(server, code, verifier), "invalid_grant")
    assert not server.is_access_token_valid(first["access_token"])
    assert_oauth_error(refresh(server, first["refresh_token"]), "invalid_grant")


def test_unknown_client_is_401(server):
    code, verifier = get_code(server)
    reply = call(f"{server.issuer}/oauth/token", form={
        "client_id": "nope", "grant_type": "authorization_code", "code": code,
        "code_verifier": verifier, "redirect_uri": REDIRECT_URI})
    assert_oauth_error(reply, "invalid_client", status=401)
    assert_oauth_error(token(server, grant_type="password"), "unsupported_grant_type")


# --------------------------------------------------------------------------- refresh


def test_refresh_rotation_and_reuse_detection(server):
    tokens = server.mint_tokens()
    rotated = refresh(server, tokens["refresh_token"])
    assert rotated.status == 200, rotated.body
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["access_token"] != tokens["access_token"]

    assert server.is_refresh_token_live(new["refresh_token"]) and server.is_access_token_valid(new["access_token"])
    payload = assert_oauth_error(refresh(server, tokens["refresh_token"]), "invalid_grant")
    assert payload["error_description"].startswith("refresh_token_reused")
    assert_oauth_error(refresh(server, "rt_unknown"), "invalid_grant")
    assert server.stats["token_refresh"] == 3


def test_a_replayed_refresh_token_revokes_the_whole_family(server):
    """What real providers do: the replay means two holders, so the newer tokens die too."""
    tokens = server.mint_tokens()
    bystander = server.mint_tokens()  # another sign-in (another family) is not touched
    new = refresh(server, tokens["refresh_token"]).json()
    newer = refresh(server, new["refresh_token"]).json()
    assert_oauth_error(refresh(server, new["refresh_token"]), "invalid_grant")
    assert not server.is_refresh_token_live(newer["refresh_token"])
    assert not server.is_access_token_valid(newer["access_token"])
    assert not server.is_access_token_valid(new["access_token"])
    payload = assert_oauth_error(refresh(server, newer["refresh_token"]), "invalid_grant")
    assert "revoked" in payload["error_description"]
    assert server.is_refresh_token_live(bystander["refresh_token"])
    assert refresh(server, bystander["refresh_token"]).status == 200


# --------------------------------------------------------------------------- device flows


def test_openai_device_flow(server):
    start = call(f"{server.issuer}/api/accounts/deviceauth/usercode",
                 json_body={"client_id": CODEX_CLIENT_ID}).json()
    assert start["interval"] == "0"
    poll_url = f"{server.issuer}/api/accounts/deviceauth/token"
    poll_body = {"device_auth_id": start["device_auth_id"], "user_code": start["user_code"]}
    assert call(poll_url, json_body=poll_body).status == 403
    assert call(poll_url, json_body={**poll_body, "device_auth_id": "nope"}).status == 404

    server.approve_device(start["user_code"])
    bundle = call(poll_url, json_body=poll_body).json()
    assert pkce_challenge(bundle["code_verifier"]) == bundle["code_challenge"]
    assert_oauth_error(exchange(server, bundle["authorization_code"], bundle["code_verifier"]), "invalid_grant")
    reply = exchange(server, bundle["authorization_code"], bundle["code_verifier"],
                     redirect_uri=f"{server.issuer}/deviceauth/callback")
    assert reply.status == 200 and server.is_access_token_valid(reply.json()["access_token"])
    assert server.stats["device_usercode"] == 1 and server.stats["device_poll"] == 3


def start_rfc_device(server: OAuthTestServer) -> dict:
    reply = call(f"{server.issuer}/oauth/device/code", form={"client_id": CODEX_CLIENT_ID, "scope": "openid"})
    assert reply.status == 200
    return reply.json()


def poll_rfc_device(server: OAuthTestServer, device_code: str) -> Reply:
    return token(server, grant_type=DEVICE_CODE_GRANT, device_code=device_code)


def test_rfc8628_device_flow(server):
    start = start_rfc_device(server)
    assert start["verification_uri"] == f"{server.issuer}/device"
    assert start["user_code"] in start["verification_uri_complete"]
    assert_oauth_error(poll_rfc_device(server, start["device_code"]), "authorization_pending")

    server.approve_device(start["user_code"].replace("-", "").lower())
    reply = poll_rfc_device(server, start["device_code"])
    assert reply.status == 200 and reply.json()["scope"] == "openid"
    assert_oauth_error(poll_rfc_device(server, start["device_code"]), "invalid_grant")
    assert server.stats["token_device"] == 3


def test_rfc8628_denied(server):
    start = start_rfc_device(server)
    server.deny_device(start["user_code"])
    assert_oauth_error(poll_rfc_device(server, start["device_code"]), "access_denied")


def test_rfc8628_slow_down_and_expiry():
    with OAuthTestServer(device_interval=1) as server:
        start = start_rfc_device(server)
        assert start["interval"] == 1
        assert_oauth_error(poll_rfc_device(server, start["device_code"]), "authorization_pending")
        assert_oauth_error(poll_rfc_device(server, start["device_code"]), "slow_down")
    with OAuthTestServer(device_interval=0, device_expires_in=0) as server:
        start = start_rfc_device(server)
        assert_oauth_error(poll_rfc_device(server, start["device_code"]), "expired_token")


# --------------------------------------------------------------------------- revoke and invoke


def test_revoke(server):
    tokens = server.mint_tokens()
    reply = call(f"{server.issuer}/oauth/revoke", form={"token": tokens["access_token"]})
    assert reply.status == 200
    call(f"{server.issuer}/oauth/revoke", json_body={"token": tokens["refresh_token"]})
    assert call(f"{server.issuer}/oauth/revoke", form={"token": "unknown"}).status == 200
    assert {tokens["access_token"], tokens["refresh_token"]} <= server.revoked
    assert not server.is_access_token_valid(tokens["access_token"])
    assert invoke(server, tokens["access_token"]).json()["error"]["code"] == "invalid_token"
    assert_oauth_error(refresh(server, tokens["refresh_token"]), "invalid_grant")
    assert server.stats["revoke"] == 3


def test_invoke_rejects_bad_credentials(server):
    assert invoke(server, None).status == 401
    assert invoke(server, "garbage").json()["error"]["code"] == "invalid_token"
    expired = server.mint_tokens(access_ttl=0)["access_token"]
    reply = invoke(server, expired)
    assert reply.status == 401 and reply.json()["error"]["code"] == "token_expired"
    assert invoke(server, server.mint_tokens()["access_token"], account="acct_other").status == 403


def test_invoke_json(server):
    reply = invoke(server, server.mint_tokens()["access_token"])
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["output"][0]["content"][0]["text"] == "echo: hello there"
    assert body["usage"]["total_tokens"] == body["usage"]["input_tokens"] + body["usage"]["output_tokens"]
    assert server.stats["invoke"] == 1


def test_invoke_sse(server):
    reply = invoke(server, server.mint_tokens()["access_token"], stream=True)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/event-stream")
    events = [json.loads(line[len("data: "):]) for line in reply.body.decode().splitlines()
              if line.startswith("data: ")]
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert deltas == "echo: hello there"
    completed = events[-1]
    assert completed["type"] == "response.completed"
    assert completed["response"]["usage"]["output_tokens"] == 3


# --------------------------------------------------------------------------- fault injection


@pytest.mark.parametrize("kind, status", [("400", 400), ("500", 500), ("html", 200)])
def test_fail_next_token(server, kind, status):
    tokens = server.mint_tokens()
    server.fail_next_token(kind, n=2)
    for _ in range(2):
        reply = refresh(server, tokens["refresh_token"])
        assert reply.status == status
        if kind == "html":
            assert reply.headers["Content-Type"].startswith("text/html")
    assert refresh(server, tokens["refresh_token"]).status == 200  # faults did not consume the token


def test_fail_next_token_hang_does_not_block_others(server):
    tokens = server.mint_tokens()
    server.fail_next_token("hang")
    started = time.monotonic()
    with pytest.raises(OSError):  # urllib surfaces the read timeout as TimeoutError/URLError
        call(f"{server.issuer}/oauth/token", json_body={
            "client_id": CODEX_CLIENT_ID, "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"]}, timeout=0.3)
    assert time.monotonic() - started < 2
    assert call(f"{server.issuer}/.well-known/openid-configuration", timeout=2).status == 200
    assert refresh(server, server.mint_tokens()["refresh_token"]).status == 200


# --------------------------------------------------------------------------- robustness


def test_garbage_requests(server):
    token_url = f"{server.issuer}/oauth/token"
    bad_json = call(token_url, data=b"{nope", headers={"Content-Type": "application/json"})
    assert_oauth_error(bad_json, "invalid_request")
    text_body = call(token_url, data=b"grant_type=x", headers={"Content-Type": "text/plain"})
    assert_oauth_error(text_body, "invalid_request")
    assert_oauth_error(call(token_url, data=b""), "invalid_request")
    huge = call(token_url, data=b"a" * ((1 << 20) + 1), headers={"Content-Type": "application/json"})
    assert huge.status == 413
    assert call(f"{server.issuer}/nowhere").status == 404
    assert call(f"{server.issuer}/test/state").json()["authorize"] == 0


def test_reset_and_ttl(server):
    server.set_access_ttl(5)
    assert server.mint_tokens()["expires_in"] == 5
    server.fail_next_token("500")
    server.reset()
    assert server.mint_tokens()["expires_in"] == 3600
    assert refresh(server, server.mint_tokens()["refresh_token"]).status == 200
    assert server.stats["token_refresh"] == 1


# --------------------------------------------------------------------------- signatures


def verify_rs256(token: str, jwks: dict) -> dict:
    """Independent RS256 check with `cryptography`: the claims, or InvalidSignature/ValueError/KeyError."""
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    def unb64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(unb64(header_b64))
    if header.get("alg") != "RS256":
        raise ValueError(f"alg {header.get('alg')!r}")
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = rsa.RSAPublicNumbers(int.from_bytes(unb64(key["e"]), "big"),
                                  int.from_bytes(unb64(key["n"]), "big")).public_key()
    public.verify(unb64(signature_b64), f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return json.loads(unb64(payload_b64))


def test_tokens_are_rs256_signed_with_the_key_the_jwks_endpoint_publishes(server):
    doc = call(f"{server.issuer}/.well-known/openid-configuration").json()
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    jwks = call(doc["jwks_uri"]).json()
    assert [key["kty"] for key in jwks["keys"]] == ["RSA"] and "d" not in jwks["keys"][0]
    tokens = server.mint_tokens()
    assert verify_rs256(tokens["id_token"], jwks)["email"] == "dev@example.com"
    assert verify_rs256(tokens["access_token"], jwks)["iss"] == server.issuer


@pytest.mark.parametrize("kind", ID_TOKEN_FORGERIES)
def test_forged_id_tokens_fail_an_honest_check(server, kind):
    from cryptography.exceptions import InvalidSignature

    server.forge_next_id_token(kind)
    forged = server.mint_tokens()["id_token"]
    genuine = server.mint_tokens()["id_token"]  # a forgery is made once
    jwks = server.jwks
    assert verify_rs256(genuine, jwks)["aud"] == CODEX_CLIENT_ID
    try:
        claims = verify_rs256(forged, jwks)
    except (InvalidSignature, ValueError, StopIteration):
        return
    now = time.time()
    assert claims["aud"] != CODEX_CLIENT_ID or claims["iss"] != server.issuer or claims["exp"] < now, kind


def test_held_model_calls_wait_for_release(server):
    import threading

    tokens = server.mint_tokens()
    server.hold_invokes()
    replies: list = []
    thread = threading.Thread(target=lambda: replies.append(invoke(server, tokens["access_token"], stream=False)))
    thread.start()
    deadline = time.monotonic() + 5
    while not server.invoke_bearers:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert server.invoke_bearers == [tokens["access_token"]] and not replies
    server.release_invokes()
    thread.join(5)
    assert replies[0].status == 200
