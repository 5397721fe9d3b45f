"""A real OAuth 2.0 / OIDC authorization server for end-to-end tests.

Standard library plus `cryptography` (for RS256). It speaks the auth.openai.com layout (so the
real openai-codex provider works by swapping the issuer) and enforces the protocol the way real
providers do: exact redirect_uri matching, mandatory S256 PKCE, single-use codes (a failed verifier
check burns the code), rotating single-use refresh tokens whose reuse revokes the whole token family,
RFC 8628 polling rules, RS256-signed tokens with the public key at the JWKS endpoint, and bearer
checks on a stand-in Codex Responses endpoint. Tests can make it forge the next id_token in one of
several ways (`forge_next_id_token`) and hold model calls in flight (`hold_invokes`).

Run standalone: ``python -m tests.support.oauth_server [--port N]`` prints the issuer URL.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
OIDC_CLIENT_ID = "test-oidc-client"
REGISTERED_CLIENTS = frozenset({CODEX_CLIENT_ID, OIDC_CLIENT_ID})
STATIC_REDIRECT_URIS = (
    "http://127.0.0.1:1455/auth/callback",
    "http://localhost:1455/auth/callback",
    "http://127.0.0.1:1457/auth/callback",
    "http://localhost:1457/auth/callback",
)

DEFAULT_SCOPE = "openid profile email offline_access"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ACCESS_TOKEN_AUDIENCE = "https://api.openai.com/v1"
AUTH_CLAIM = "https://api.openai.com/auth"
PROFILE_CLAIM = "https://api.openai.com/profile"

MAX_BODY_BYTES = 1 << 20
MAX_DRAIN_BYTES = 64 << 20
CODE_TTL_SECONDS = 600
ID_TOKEN_TTL_SECONDS = 3600
HANG_SECONDS = 30
# Clients sleep `interval` between polls; network jitter can make two polls arrive a hair early.
SLOW_DOWN_TOLERANCE_SECONDS = 0.05
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # RFC 8628 §6.1: no vowels, no look-alikes
PKCE_VALUE_RE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1 / §4.2

FAULT_KINDS = ("400", "500", "html", "hang")
# Ways a forged id_token can be wrong: signed by another key (claiming ours, or one we never published),
# not signed at all, HMAC-signed with our public key (algorithm confusion), for another audience or
# issuer, expired, or a genuine signature over claims that were changed afterwards.
ID_TOKEN_FORGERIES = ("wrong-key", "unknown-kid", "alg-none", "hs256-public-key", "wrong-audience", "wrong-issuer",
                      "expired", "tampered")
STAT_KEYS = (
    "authorize",
    "token_authorization_code",
    "token_refresh",
    "token_device",
    "revoke",
    "invoke",
    "device_usercode",
    "device_poll",
)
TOKEN_STAT_BY_GRANT = {
    "authorization_code": "token_authorization_code",
    "refresh_token": "token_refresh",
    DEVICE_CODE_GRANT: "token_device",
}


# --------------------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_bytes(number: int) -> bytes:
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


class SigningKey:
    """An RSA key that signs JWTs with RS256 and publishes its public half as a JWK."""

    def __init__(self, kid: str):
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.kid = kid
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict:
        numbers = self._private.public_key().public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64url(_int_bytes(numbers.n)), "e": b64url(_int_bytes(numbers.e))}

    def public_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._private.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)

    def sign(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return self._private.sign(data, padding.PKCS1v15(), hashes.SHA256())


def encode_jwt(header: dict, claims: dict, sign: Callable[[bytes], bytes] | None) -> str:
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = sign(signing_input.encode("ascii")) if sign else b""
    return f"{signing_input}.{b64url(signature)}"


def pkce_challenge(verifier: str) -> str:
    """S256 code challenge for a verifier (RFC 7636 §4.2)."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def decode_jwt(token: str) -> dict:
    """Claims of a JWT, without verifying the signature (what clients do)."""
    return json.loads(_b64url_decode(token.split(".")[1]))


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _with_query(uri: str, params: dict[str, str]) -> str:
    separator = "&" if "?" in uri else "?"
    return uri + separator + urllib.parse.urlencode(params)


def _new_user_code() -> str:
    letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def _normalize_user_code(user_code: str) -> str:
    letters = re.sub(r"[^A-Z]", "", user_code.upper())
    return f"{letters[:4]}-{letters[4:]}"


# --------------------------------------------------------------------------- HTTP plumbing


@dataclass
class Response:
    status: int
    body: bytes | Iterable[bytes] = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def streamed(self) -> bool:
        return not isinstance(self.body, bytes)


class HttpError(Exception):
    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


def json_response(status: int, payload: object, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload).encode("utf-8")
    return Response(status, body, "application/json", dict(headers or {}))


def html_response(status: int, title: str, message: str) -> Response:
    page = (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8")


def redirect_response(location: str) -> Response:
    return Response(302, b"", "text/plain", {"Location": location})


def oauth_error(error: str, description: str, status: int = 400) -> HttpError:
    """RFC 6749 §5.2 error."""
    payload = {"error": error, "error_description": description}
    return HttpError(json_response(status, payload, {"Cache-Control": "no-store"}))


def api_error(status: int, code: str, message: str) -> HttpError:
    """Error in the shape of the OpenAI API ({"error": {...}})."""
    payload = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    headers = {"WWW-Authenticate": f'Bearer error="{code}"'} if status == 401 else None
    return HttpError(json_response(status, payload, headers))


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: object  # http.client.HTTPMessage: case-insensitive .get()
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "") or ""

    def query_params(self) -> tuple[dict[str, str], set[str]]:
        """First value of each query parameter, and the names given more than once."""
        values: dict[str, str] = {}
        repeated: set[str] = set()
        for name, value in urllib.parse.parse_qsl(self.query, keep_blank_values=True):
            if name in values:
                repeated.add(name)
            else:
                values[name] = value
        return values, repeated

    def params(self) -> dict[str, str]:
        """Body parameters from a JSON object or a form; raises invalid_request otherwise."""
        media_type = self.header("Content-Type").split(";")[0].strip().lower()
        if media_type == "application/json":
            return self._json_params()
        if media_type == "application/x-www-form-urlencoded":
            return self._form_params()
        if not self.body:
            return {}
        raise oauth_error("invalid_request", f"unsupported Content-Type {media_type!r}")

    def json_object(self) -> dict:
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise oauth_error("invalid_request", "body is not valid JSON") from None
        if not isinstance(data, dict):
            raise oauth_error("invalid_request", "JSON body must be an object")
        return data

    def _json_params(self) -> dict[str, str]:
        data = self.json_object()
        if not all(isinstance(value, str) for value in data.values()):
            raise oauth_error("invalid_request", "parameter values must be strings")
        return data

    def _form_params(self) -> dict[str, str]:
        try:
            pairs = urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise oauth_error("invalid_request", "form body is not UTF-8") from None
        params: dict[str, str] = {}
        for name, value in pairs:
            if name in params:  # RFC 6749 §3.2: parameters MUST NOT be repeated
                raise oauth_error("invalid_request", f"parameter {name!r} repeated")
            params[name] = value
        return params


def _require(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise oauth_error("invalid_request", f"missing required parameter {name!r}")
    return value


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: OAuthTestServer

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            self.app._record_error(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"
    timeout = 10  # a client lying about Content-Length must not pin a thread forever

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        try:
            response = self._respond(method)
            self._send(response)
        except OSError:
            self.close_connection = True  # the client went away or stalled (e.g. on an injected hang)

    def _respond(self, method: str) -> Response:
        app = self.server.app
        try:
            body = self._read_body() if method == "POST" else b""
            path, _, query = self.path.partition("?")
            return app._route(Request(method, path, query, self.headers, body))
        except HttpError as error:
            return error.response
        except OSError:
            raise
        except Exception:
            app._record_error(traceback.format_exc())
            return json_response(500, {"error": "server_error", "error_description": "internal error"})

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise HttpError(json_response(411, {"error": "invalid_request",
                                                "error_description": "Content-Length required"}))
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
            if length < 0:
                raise ValueError
        except ValueError:
            raise oauth_error("invalid_request", "invalid Content-Length") from None
        if length > MAX_BODY_BYTES:
            self._drain(length)
            raise HttpError(json_response(413, {"error": "invalid_request",
                                                "error_description": "request body too large"}))
        return self.rfile.read(length)

    def _drain(self, length: int) -> None:
        # Reading the rejected body lets the client see the 413 instead of a connection reset.
        remaining = min(length, MAX_DRAIN_BYTES)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 16))
            if not chunk:
                return
            remaining -= len(chunk)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.streamed:
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in response.body:
                self.wfile.write(chunk)
                self.wfile.flush()
            return
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)


# --------------------------------------------------------------------------- protocol state


@dataclass(frozen=True)
class Identity:
    """The end user an approval stands for."""

    email: str = "dev@example.com"
    plan: str = "plus"
    account_id: str = "acct_test"

    @property
    def user_id(self) -> str:
        return "user-" + hashlib.sha256(self.email.encode("utf-8")).hexdigest()[:24]

    @property
    def subject(self) -> str:
        return "auth0|" + self.user_id


@dataclass(frozen=True)
class Grant:
    """What a chain of tokens (one code, then its refreshes) was granted."""

    client_id: str
    scope: str
    identity: Identity
    family: str  # shared by every token derived from one authorization


@dataclass
class AuthCode:
    grant: Grant
    redirect_uri: str
    code_challenge: str
    expires_at: float
    used: bool = False


@dataclass
class AccessTokenRecord:
    grant: Grant
    expires_at: float


@dataclass
class RefreshTokenRecord:
    grant: Grant
    used: bool = False


@dataclass
class DeviceRequest:
    flavour: str  # "rfc8628" or "openai"
    client_id: str
    scope: str
    user_code: str
    expires_at: float
    status: str = "pending"  # pending -> approved | denied -> consumed
    last_poll: float | None = None
    identity: Identity | None = None


class AuthorizeError(Exception):
    """The authorize endpoint answered with something other than a redirect."""

    def __init__(self, status: int, body: str):
        super().__init__(f"authorize returned HTTP {status}: {body[:200]}")
        self.status = status
        self.body = body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --------------------------------------------------------------------------- the server


class OAuthTestServer:
    client_id: str = CODEX_CLIENT_ID
    oidc_client_id: str = OIDC_CLIENT_ID

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        access_ttl: int = 3600,
        device_flow: bool = True,
        device_interval: int = 1,
        device_expires_in: int = 600,
    ):
        self.host = host
        self.port = port
        self.device_flow = device_flow
        self.device_interval = device_interval
        self.device_expires_in = device_expires_in
        self.errors: list[str] = []  # unexpected exceptions inside handlers; tests can assert it stays empty
        self._initial_access_ttl = access_ttl
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._signing_key = SigningKey("test-key-" + secrets.token_hex(4))
        self._other_key: SigningKey | None = None  # for forged id_tokens, made when first needed
        self._extra_redirect_uris: list[str] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._bound_port: int | None = None
        self._reset_state()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> OAuthTestServer:
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.app = self
        self._httpd = httpd
        self._bound_port = httpd.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="oauth-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases injected hangs
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OAuthTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        if self._bound_port is None:
            raise RuntimeError("OAuthTestServer not started")
        return f"http://{self.host}:{self._bound_port}"

    @property
    def redirect_uris(self) -> list[str]:
        with self._lock:
            extra = list(self._extra_redirect_uris)
        return [*STATIC_REDIRECT_URIS, self.device_redirect_uri, *extra]

    @property
    def device_redirect_uri(self) -> str:
        return f"{self.issuer}/deviceauth/callback"

    # ----------------------------------------------------------------- test controls

    def add_redirect_uri(self, uri: str) -> None:
        with self._lock:
            if uri not in self._extra_redirect_uris:
                self._extra_redirect_uris.append(uri)

    def fail_next_token(self, kind: str, n: int = 1) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        with self._lock:
            self._token_faults.extend([kind] * n)

    def forge_next_id_token(self, kind: str) -> None:
        """The next token response carries an id_token that is wrong in this way (ID_TOKEN_FORGERIES)."""
        if kind not in ID_TOKEN_FORGERIES:
            raise ValueError(f"unknown forgery {kind!r}; expected one of {ID_TOKEN_FORGERIES}")
        with self._lock:
            self._forgeries.append(kind)

    def hold_invokes(self) -> None:
        """Model calls wait (after their bearer token is checked and recorded) until release_invokes()."""
        with self._lock:
            self._invoke_gate = threading.Event()

    def release_invokes(self) -> None:
        with self._lock:
            gate, self._invoke_gate = self._invoke_gate, None
        if gate is not None:
            gate.set()

    def deny_next_authorize(self, error: str = "access_denied", description: str = "The user denied access") -> None:
        with self._lock:
            self._authorize_denial = (error, description)

    def set_access_ttl(self, seconds: int) -> None:
        with self._lock:
            self._access_ttl = seconds

    def set_user(self, email: str = "dev@example.com", plan: str = "plus", account_id: str = "acct_test") -> None:
        """Who the simulated user is for later approvals (browser and device)."""
        with self._lock:
            self._identity = Identity(email, plan, account_id)

    def reset(self) -> None:
        """Forget counters, codes, tokens, device requests and faults; restore TTL and user.

        Registered redirect URIs are kept."""
        with self._lock:
            self._reset_state()

    def authorize(self, authorize_url: str) -> str:
        """GET the authorize URL like a browser whose user approves at once.

        Returns the redirect Location (not followed); raises AuthorizeError on a non-redirect."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)
        try:
            with opener.open(authorize_url, timeout=10) as response:
                raise AuthorizeError(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location")
            if error.code in (302, 303) and location:
                return location
            raise AuthorizeError(error.code, error.read().decode("utf-8", "replace")) from None

    def approve_device(self, user_code: str) -> None:
        self._decide_device(user_code, "approved")

    def deny_device(self, user_code: str) -> None:
        self._decide_device(user_code, "denied")

    def mint_tokens(
        self,
        client_id: str | None = None,
        *,
        access_ttl: int | None = None,
        email: str = "dev@example.com",
        plan: str = "plus",
        account_id: str = "acct_test",
    ) -> dict:
        """A fresh valid token set, exactly as the token endpoint would return it."""
        client_id = client_id or self.client_id
        if client_id not in REGISTERED_CLIENTS:
            raise ValueError(f"unregistered client {client_id!r}")
        grant = Grant(client_id, DEFAULT_SCOPE, Identity(email, plan, account_id), secrets.token_hex(8))
        with self._lock:
            return self._issue_tokens(grant, access_ttl)

    # ----------------------------------------------------------------- scripted behaviours

    def delay_next_token_answer(self, seconds: float) -> None:
        """The next token request takes effect at once (a refresh token rotates, a code is spent), but its
        answer is sent `seconds` later: the window in which a client may be interrupted."""
        with self._lock:
            self._answer_delays.append(seconds)

    def refuse_next_token(self, error: str, description: str, status: int = 400) -> None:
        """The next token request is answered with this RFC 6749 error, whatever its text contains."""
        with self._lock:
            self._token_refusals.append((status, {"error": error, "error_description": description}))

    def refuse_access_token_revocation(self, refuse: bool = True) -> None:
        """Revoking an access token answers 400 unsupported_token_type (RFC 7009 §2.2.1), as providers
        whose access tokens are self-contained JWTs do; refresh tokens are still revoked."""
        with self._lock:
            self._refuse_access_token_revocation = refuse

    def send_iss_in_responses(self, send: bool = True) -> None:
        """RFC 9207: advertise authorization_response_iss_parameter_supported and add `iss` to every
        authorization response."""
        with self._lock:
            self._iss_in_response = send

    def override_discovery(self, **fields: object) -> None:
        """Replace fields of the discovery document (a value of None removes the field)."""
        with self._lock:
            self._discovery_overrides.update(fields)

    def _pop_answer_delay(self) -> float:
        with self._lock:
            return self._answer_delays.pop(0) if self._answer_delays else 0.0

    def _pop_token_refusal(self) -> Response | None:
        with self._lock:
            if not self._token_refusals:
                return None
            status, payload = self._token_refusals.pop(0)
        return json_response(status, payload, {"Cache-Control": "no-store"})

    # ----------------------------------------------------------------- inspection

    @property
    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self._stats)

    @property
    def last_authorize_params(self) -> dict[str, str]:
        with self._lock:
            return dict(self._last_authorize_params)

    @property
    def revoked(self) -> set[str]:
        with self._lock:
            return set(self._revoked)

    @property
    def authorize_history(self) -> list[dict[str, str]]:
        """The query parameters of every authorize request since the last reset, oldest first."""
        with self._lock:
            return [dict(params) for params in self._authorize_history]

    @property
    def verifiers(self) -> list[str]:
        """Every code_verifier sent to the token endpoint since the last reset, oldest first."""
        with self._lock:
            return list(self._verifiers)

    @property
    def invoke_bearers(self) -> list[str]:
        """The access token of every model call that passed the bearer check, oldest first."""
        with self._lock:
            return list(self._invoke_bearers)

    def is_refresh_token_live(self, token: str) -> bool:
        """Known, unused and not revoked: the next refresh with it would succeed."""
        with self._lock:
            record = self._refresh_tokens.get(token)
            return record is not None and not record.used and token not in self._revoked

    @property
    def jwks(self) -> dict:
        return {"keys": [self._signing_key.jwk()]}

    def is_access_token_valid(self, token: str) -> bool:
        with self._lock:
            return self._access_token_problem(token) is None

    # ----------------------------------------------------------------- state internals

    def _reset_state(self) -> None:
        self._stats = dict.fromkeys(STAT_KEYS, 0)
        self._last_authorize_params: dict[str, str] = {}
        self._codes: dict[str, AuthCode] = {}
        self._access_tokens: dict[str, AccessTokenRecord] = {}
        self._refresh_tokens: dict[str, RefreshTokenRecord] = {}
        self._revoked: set[str] = set()
        self._devices: dict[str, DeviceRequest] = {}
        self._device_key_by_user_code: dict[str, str] = {}
        self._token_faults: list[str] = []
        self._authorize_denial: tuple[str, str] | None = None
        self._authorize_history: list[dict[str, str]] = []
        self._verifiers: list[str] = []
        self._forgeries: list[str] = []
        self._invoke_bearers: list[str] = []
        self._invoke_gate: threading.Event | None = None
        self._access_ttl = self._initial_access_ttl
        self._identity = Identity()
        self._reset_scripts()

    def _reset_scripts(self) -> None:
        """Scripted answers (see "scripted behaviours" below), forgotten by reset()."""
        self._answer_delays: list[float] = []
        self._token_refusals: list[tuple[int, dict]] = []
        self._refuse_access_token_revocation = False
        self._iss_in_response = False
        self._discovery_overrides: dict = {}

    def _count(self, key: str) -> None:
        with self._lock:
            self._stats[key] += 1

    def _record_error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def _sign(self, claims: dict) -> str:
        key = self._signing_key
        return encode_jwt({"alg": "RS256", "typ": "JWT", "kid": key.kid}, claims, key.sign)

    def _id_token(self, grant: Grant, issued_at: int) -> str:
        """Caller holds the lock. A genuine id_token, or the forgery a test asked for."""
        claims = self._id_claims(grant, issued_at)
        forgery = self._forgeries.pop(0) if self._forgeries else None
        if forgery is None:
            return self._sign(claims)
        kid = self._signing_key.kid
        if forgery in ("wrong-key", "unknown-kid"):
            other = self._other_key = self._other_key or SigningKey("other-key")
            return encode_jwt({"alg": "RS256", "typ": "JWT", "kid": kid if forgery == "wrong-key" else other.kid},
                              claims, other.sign)
        if forgery == "alg-none":
            return encode_jwt({"alg": "none", "typ": "JWT"}, claims, None)
        if forgery == "hs256-public-key":
            secret = self._signing_key.public_pem()
            return encode_jwt({"alg": "HS256", "typ": "JWT", "kid": kid}, claims,
                              lambda data: hmac.new(secret, data, hashlib.sha256).digest())
        if forgery == "tampered":
            header, _, signature = self._sign(claims).split(".")
            changed = {**claims, "email": "attacker@example.com"}
            return f"{header}.{b64url(json.dumps(changed).encode())}.{signature}"
        changes = {"wrong-audience": {"aud": "someone-else"}, "wrong-issuer": {"iss": "https://evil.example"},
                   "expired": {"iat": issued_at - 7200, "exp": issued_at - 3600}}[forgery]
        return self._sign({**claims, **changes})

    def _access_claims(self, grant: Grant, issued_at: int, ttl: int) -> dict:
        identity = grant.identity
        return {
            "iss": self.issuer,
            "sub": identity.subject,
            "aud": [ACCESS_TOKEN_AUDIENCE],
            "client_id": grant.client_id,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + ttl,
            "jti": secrets.token_hex(12),
            "scp": grant.scope.split(),
            AUTH_CLAIM: {
                "chatgpt_account_id": identity.account_id,
                "chatgpt_plan_type": identity.plan,
                "chatgpt_user_id": identity.user_id,
                "user_id": identity.user_id,
            },
            PROFILE_CLAIM: {"email": identity.email, "email_verified": True},
        }

    def _id_claims(self, grant: Grant, issued_at: int) -> dict:
        identity = grant.identity
        return {
            "iss": self.issuer,
            "aud": grant.client_id,
            "sub": identity.subject,
            "iat": issued_at,
            "auth_time": issued_at,
            "exp": issued_at + ID_TOKEN_TTL_SECONDS,
            "jti": secrets.token_hex(12),
            "email": identity.email,
            "email_verified": True,
            AUTH_CLAIM: {
                "chatgpt_account_id": identity.account_id,
                "chatgpt_plan_type": identity.plan,
                "chatgpt_user_id": identity.user_id,
                "organizations": [],
            },
        }

    def _issue_tokens(self, grant: Grant, access_ttl: int | None = None) -> dict:
        """Caller holds the lock."""
        ttl = self._access_ttl if access_ttl is None else access_ttl
        now = time.time()
        issued_at = int(now)
        access_token = self._sign(self._access_claims(grant, issued_at, ttl))
        refresh_token = "rt_" + secrets.token_urlsafe(32)
        self._access_tokens[access_token] = AccessTokenRecord(grant, now + ttl)
        self._refresh_tokens[refresh_token] = RefreshTokenRecord(grant)
        return {
            "access_token": access_token,
            "id_token": self._id_token(grant, issued_at),
            "refresh_token": refresh_token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": grant.scope,
        }

    def _revoke_family(self, family: str) -> None:
        """Caller holds the lock. RFC 6749 §4.1.2 (a replayed code revokes what it issued) and RFC 9700
        §4.14.2 (a replayed refresh token revokes the active one)."""
        for tokens in (self._access_tokens, self._refresh_tokens):
            self._revoked.update(token for token, record in tokens.items() if record.grant.family == family)

    def _access_token_problem(self, token: str) -> str | None:
        """Caller holds the lock. None if valid, else "invalid_token" or "token_expired"."""
        record = self._access_tokens.get(token)
        if record is None or token in self._revoked:
            return "invalid_token"
        if time.time() >= record.expires_at:
            return "token_expired"
        return None

    def _decide_device(self, user_code: str, decision: str) -> None:
        with self._lock:
            key = self._device_key_by_user_code.get(_normalize_user_code(user_code))
            request = self._devices.get(key) if key else None
            if request is None:
                raise KeyError(f"unknown user code {user_code!r}")
            if request.status != "pending":
                raise ValueError(f"device request already {request.status}")
            if time.time() >= request.expires_at:
                raise ValueError("device request expired")
            request.status = decision
            request.identity = self._identity

    def _new_device_request(self, flavour: str, client_id: str, scope: str) -> tuple[str, DeviceRequest]:
        """Caller holds the lock."""
        prefix = "deviceauth_" if flavour == "openai" else ""
        key = prefix + secrets.token_urlsafe(32)
        user_code = _new_user_code()
        while user_code in self._device_key_by_user_code:
            user_code = _new_user_code()
        request = DeviceRequest(flavour, client_id, scope, user_code, time.time() + self.device_expires_in)
        self._devices[key] = request
        self._device_key_by_user_code[user_code] = key
        return key, request

    # ----------------------------------------------------------------- routing

    def _route(self, request: Request) -> Response:
        routes = self._routes()
        handler = routes.get((request.method, request.path))
        if handler is None:
            if any(path == request.path for _, path in routes):
                return json_response(405, {"error": "method_not_allowed"})
            return json_response(404, {"error": "not_found", "error_description": f"no route {request.path}"})
        return handler(request)

    def _routes(self) -> dict[tuple[str, str], Callable[[Request], Response]]:
        routes = {
            ("GET", "/.well-known/openid-configuration"): self._ep_discovery,
            ("GET", "/.well-known/jwks.json"): self._ep_jwks,
            ("GET", "/oauth/authorize"): self._ep_authorize,
            ("POST", "/oauth/token"): self._ep_token,
            ("POST", "/oauth/revoke"): self._ep_revoke,
            ("POST", "/backend-api/codex/responses"): self._ep_invoke,
            ("GET", "/test/state"): self._ep_state,
        }
        if self.device_flow:
            routes.update({
                ("POST", "/oauth/device/code"): self._ep_device_code,
                ("GET", "/device"): self._ep_device_page,
                ("GET", "/codex/device"): self._ep_device_page,
                ("POST", "/api/accounts/deviceauth/usercode"): self._ep_openai_usercode,
                ("POST", "/api/accounts/deviceauth/token"): self._ep_openai_device_poll,
            })
        return routes

    # ----------------------------------------------------------------- discovery

    def _ep_discovery(self, request: Request) -> Response:
        issuer = self.issuer
        grant_types = ["authorization_code", "refresh_token"]
        document = {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/oauth/authorize",
            "token_endpoint": f"{issuer}/oauth/token",
            "revocation_endpoint": f"{issuer}/oauth/revoke",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": grant_types,
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": DEFAULT_SCOPE.split(),
            "token_endpoint_auth_methods_supported": ["none"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
        if self.device_flow:
            document["device_authorization_endpoint"] = f"{issuer}/oauth/device/code"
            grant_types.append(DEVICE_CODE_GRANT)
        with self._lock:
            if self._iss_in_response:
                document["authorization_response_iss_parameter_supported"] = True
            for name, value in self._discovery_overrides.items():
                if value is None:
                    document.pop(name, None)
                else:
                    document[name] = value
        return json_response(200, document)

    def _ep_jwks(self, request: Request) -> Response:
        return json_response(200, self.jwks)

    def _ep_state(self, request: Request) -> Response:
        return json_response(200, self.stats)

    # ----------------------------------------------------------------- authorize

    def _ep_authorize(self, request: Request) -> Response:
        params, repeated = request.query_params()
        with self._lock:
            self._stats["authorize"] += 1
            self._last_authorize_params = dict(params)
            self._authorize_history.append(dict(params))
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        # Never redirect to an address we cannot trust (RFC 6749 §4.1.2.1).
        if client_id not in REGISTERED_CLIENTS or "client_id" in repeated:
            return html_response(400, "Invalid client", f"Unknown client_id {client_id!r}.")
        if redirect_uri not in self.redirect_uris or "redirect_uri" in repeated:
            return html_response(400, "Invalid redirect_uri", f"redirect_uri {redirect_uri!r} is not registered.")

        state = params.get("state", "")
        echo_state = {"state": state} if state else {}
        problem = self._authorize_problem(params, repeated)
        if problem:
            return redirect_response(
                _with_query(redirect_uri, {"error": "invalid_request", "error_description": problem, **echo_state})
            )
        with self._lock:
            denial, self._authorize_denial = self._authorize_denial, None
        if denial:
            error, description = denial
            return redirect_response(
                _with_query(redirect_uri, {"error": error, "error_description": description, **echo_state})
            )
        with self._lock:
            code, scope = self._new_code(params)
        with self._lock:
            iss = {"iss": self.issuer} if self._iss_in_response else {}
        return redirect_response(_with_query(redirect_uri, {"code": code, "scope": scope, "state": state, **iss}))

    @staticmethod
    def _authorize_problem(params: dict[str, str], repeated: set[str]) -> str | None:
        if repeated:
            return f"parameters repeated: {', '.join(sorted(repeated))}"
        if params.get("response_type") != "code":
            return "response_type must be 'code'"
        if not params.get("state"):
            return "state is required"
        challenge = params.get("code_challenge", "")
        if not challenge:
            return "code_challenge is required (PKCE)"
        if params.get("code_challenge_method") != "S256":
            return "code_challenge_method must be S256"
        if not PKCE_VALUE_RE.fullmatch(challenge):
            return "code_challenge must be 43-128 characters of [A-Za-z0-9-._~]"
        return None

    def _new_code(self, params: dict[str, str]) -> tuple[str, str]:
        """Caller holds the lock."""
        scope = params.get("scope") or DEFAULT_SCOPE
        grant = Grant(params["client_id"], scope, self._identity, secrets.token_hex(8))
        code = "ac_" + secrets.token_urlsafe(32)
        self._codes[code] = AuthCode(
            grant, params["redirect_uri"], params["code_challenge"], time.time() + CODE_TTL_SECONDS
        )
        return code, scope

    # ----------------------------------------------------------------- token

    def _ep_token(self, request: Request) -> Response:
        try:
            params, parse_error = request.params(), None
        except HttpError as error:
            params, parse_error = {}, error
        stat = TOKEN_STAT_BY_GRANT.get(params.get("grant_type", ""))
        if stat:
            self._count(stat)
        fault = self._pop_token_fault()
        if fault and fault != "hang":
            return self._fault_response(fault)
        if fault == "hang" and self._stopping.wait(HANG_SECONDS):
            return self._fault_response("500")
        if parse_error:
            raise parse_error
        refusal = self._pop_token_refusal()
        if refusal is not None:
            return refusal
        tokens = self._grant_handler(params)(self._require_client(params), params)
        delay = self._pop_answer_delay()
        if delay:
            self._stopping.wait(delay)
        return json_response(200, tokens, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _pop_token_fault(self) -> str | None:
        with self._lock:
            return self._token_faults.pop(0) if self._token_faults else None

    @staticmethod
    def _fault_response(kind: str) -> Response:
        if kind == "400":
            return json_response(400, {"error": "invalid_grant", "error_description": "injected failure"})
        if kind == "500":
            return json_response(500, {"error": "server_error", "error_description": "injected failure"})
        page = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf</body></html>"
        return Response(200, page, "text/html; charset=utf-8")

    def _grant_handler(self, params: dict[str, str]) -> Callable[[str, dict[str, str]], dict]:
        grant_type = _require(params, "grant_type")
        handlers = {
            "authorization_code": self._grant_authorization_code,
            "refresh_token": self._grant_refresh_token,
        }
        if self.device_flow:
            handlers[DEVICE_CODE_GRANT] = self._grant_device_code
        handler = handlers.get(grant_type)
        if handler is None:
            raise oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
        return handler

    @staticmethod
    def _require_client(params: dict[str, str]) -> str:
        client_id = params.get("client_id", "")
        if not client_id:
            raise oauth_error("invalid_client", "client_id is required for public clients", 401)
        if client_id not in REGISTERED_CLIENTS:
            raise oauth_error("invalid_client", f"unknown client_id {client_id!r}", 401)
        return client_id

    def _grant_authorization_code(self, client_id: str, params: dict[str, str]) -> dict:
        code = _require(params, "code")
        redirect_uri = _require(params, "redirect_uri")
        verifier = _require(params, "code_verifier")
        with self._lock:
            record = self._codes.get(code)
            if record is None:
                raise oauth_error("invalid_grant", "unknown authorization code")
            if record.used:
                self._revoke_family(record.grant.family)
                raise oauth_error("invalid_grant", "authorization code already used; its tokens are revoked")
            if time.time() >= record.expires_at:
                raise oauth_error("invalid_grant", "authorization code expired")
            if record.grant.client_id != client_id:
                raise oauth_error("invalid_grant", "authorization code was issued to another client")
            if record.redirect_uri != redirect_uri:
                raise oauth_error("invalid_grant", "redirect_uri does not match the authorization request")
            if not PKCE_VALUE_RE.fullmatch(verifier):
                raise oauth_error("invalid_grant", "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]")
            self._verifiers.append(verifier)
            if not _same(pkce_challenge(verifier), record.code_challenge):
                record.used = True  # a failed check burns the code: no second guess at the verifier
                raise oauth_error("invalid_grant", "code_verifier does not match code_challenge")
            record.used = True
            return self._issue_tokens(record.grant)

    def _grant_refresh_token(self, client_id: str, params: dict[str, str]) -> dict:
        refresh_token = _require(params, "refresh_token")
        with self._lock:
            record = self._refresh_tokens.get(refresh_token)
            if record is None:
                raise oauth_error("invalid_grant", "unknown refresh token")
            if refresh_token in self._revoked:
                raise oauth_error("invalid_grant", "refresh token has been revoked")
            if record.used:
                # A replayed refresh token means two holders of one chain: revoke the whole family,
                # the newer tokens included, as real providers do.
                self._revoke_family(record.grant.family)
                raise oauth_error(
                    "invalid_grant",
                    "refresh_token_reused: this refresh token was already used to obtain a new one; "
                    "every token of this sign-in is now revoked",
                )
            if record.grant.client_id != client_id:
                raise oauth_error("invalid_grant", "refresh token was issued to another client")
            requested = params.get("scope", "")
            if requested and not set(requested.split()) <= set(record.grant.scope.split()):
                raise oauth_error("invalid_scope", "requested scope exceeds the original grant")
            record.used = True
            return self._issue_tokens(record.grant)

    def _grant_device_code(self, client_id: str, params: dict[str, str]) -> dict:
        device_code = _require(params, "device_code")
        with self._lock:
            request = self._devices.get(device_code)
            if request is None or request.flavour != "rfc8628" or request.client_id != client_id:
                raise oauth_error("invalid_grant", "unknown device_code")
            if request.status == "consumed":
                raise oauth_error("invalid_grant", "device_code already used")
            if time.time() >= request.expires_at:
                raise oauth_error("expired_token", "device_code expired")
            self._check_poll_rate(request)
            if request.status == "denied":
                raise oauth_error("access_denied", "the user denied the request")
            if request.status == "pending":
                raise oauth_error("authorization_pending", "the user has not approved yet")
            request.status = "consumed"
            grant = Grant(client_id, request.scope, request.identity, secrets.token_hex(8))
            return self._issue_tokens(grant)

    def _check_poll_rate(self, request: DeviceRequest) -> None:
        """Caller holds the lock. RFC 8628 §3.5 slow_down."""
        now = time.monotonic()
        previous, request.last_poll = request.last_poll, now
        if previous is not None and now - previous < self.device_interval - SLOW_DOWN_TOLERANCE_SECONDS:
            raise oauth_error("slow_down", f"poll at most every {self.device_interval} s")

    # ----------------------------------------------------------------- revoke

    def _ep_revoke(self, request: Request) -> Response:
        self._count("revoke")
        token = _require(request.params(), "token")
        with self._lock:
            if self._refuse_access_token_revocation and token in self._access_tokens:
                raise oauth_error("unsupported_token_type", "access tokens cannot be revoked; revoke the refresh token")
            self._revoked.add(token)  # RFC 7009 §2.2: unknown tokens also get 200
        return json_response(200, {})

    # ----------------------------------------------------------------- device flow (RFC 8628)

    def _ep_device_code(self, request: Request) -> Response:
        self._count("device_usercode")
        params = request.params()
        client_id = self._require_client(params)
        with self._lock:
            device_code, device = self._new_device_request("rfc8628", client_id, params.get("scope") or DEFAULT_SCOPE)
        verification_uri = f"{self.issuer}/device"
        return json_response(200, {
            "device_code": device_code,
            "user_code": device.user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": _with_query(verification_uri, {"user_code": device.user_code}),
            "expires_in": self.device_expires_in,
            "interval": self.device_interval,
        })

    def _ep_device_page(self, request: Request) -> Response:
        return html_response(200, "Device sign-in", "Enter the code shown by your device.")

    # ----------------------------------------------------------------- device flow (OpenAI flavour)

    def _ep_openai_usercode(self, request: Request) -> Response:
        self._count("device_usercode")
        client_id = self._require_client(request.params())
        with self._lock:
            device_auth_id, device = self._new_device_request("openai", client_id, DEFAULT_SCOPE)
        return json_response(200, {
            "device_auth_id": device_auth_id,
            "user_code": device.user_code,
            "interval": str(self.device_interval),
            "expires_in": self.device_expires_in,
        })

    def _ep_openai_device_poll(self, request: Request) -> Response:
        self._count("device_poll")
        params = request.params()
        device_auth_id = _require(params, "device_auth_id")
        user_code = _require(params, "user_code")
        with self._lock:
            device = self._devices.get(device_auth_id)
            if (
                device is None
                or device.flavour != "openai"
                or device.user_code != _normalize_user_code(user_code)
                or device.status == "consumed"
                or time.time() >= device.expires_at
            ):
                return json_response(404, {"error": "not_found", "error_description": "unknown or expired device auth"})
            if device.status == "pending":
                return json_response(403, {"error": "authorization_pending", "error_description": "not approved yet"})
            if device.status == "denied":
                return json_response(400, {"error": "access_denied",
                                           "error_description": "the user denied the request"})
            device.status = "consumed"
            return json_response(200, self._device_code_bundle(device))

    def _device_code_bundle(self, device: DeviceRequest) -> dict:
        """Caller holds the lock. An authorization code bound to the device callback and a fresh PKCE pair."""
        verifier = secrets.token_urlsafe(48)
        challenge = pkce_challenge(verifier)
        code = "ac_" + secrets.token_urlsafe(32)
        grant = Grant(device.client_id, device.scope, device.identity, secrets.token_hex(8))
        self._codes[code] = AuthCode(grant, self.device_redirect_uri, challenge, time.time() + CODE_TTL_SECONDS)
        return {"authorization_code": code, "code_challenge": challenge, "code_verifier": verifier}

    # ----------------------------------------------------------------- Codex Responses stand-in

    def _ep_invoke(self, request: Request) -> Response:
        self._count("invoke")
        record = self._authenticate_bearer(request)
        account_id = request.header("ChatGPT-Account-Id")
        if not account_id:
            raise api_error(400, "missing_account_id", "ChatGPT-Account-Id header is required")
        if account_id != record.grant.identity.account_id:
            raise api_error(403, "account_mismatch", "ChatGPT-Account-Id does not match the token's account")
        self._wait_at_invoke_gate(request)
        body = self._invoke_body(request)
        user_text = _last_user_text(body["input"])
        if user_text is None:
            raise api_error(400, "invalid_input", "input contains no user text")
        response_object = _response_object(body["model"], user_text, "echo: " + user_text)
        if body.get("stream") is True:
            return Response(200, _sse_events(response_object), "text/event-stream")
        return json_response(200, response_object)

    def _wait_at_invoke_gate(self, request: Request) -> None:
        with self._lock:
            self._invoke_bearers.append(request.header("Authorization").partition(" ")[2].strip())
            gate = self._invoke_gate
        if gate is not None:
            deadline = time.monotonic() + HANG_SECONDS
            while not gate.wait(0.05) and not self._stopping.is_set() and time.monotonic() < deadline:
                pass

    def _authenticate_bearer(self, request: Request) -> AccessTokenRecord:
        scheme, _, token = request.header("Authorization").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise api_error(401, "invalid_token", "missing bearer token")
        token = token.strip()
        with self._lock:
            problem = self._access_token_problem(token)
            if problem == "token_expired":
                raise api_error(401, problem, "Provided authentication token is expired. Please try signing in again.")
            if problem:
                raise api_error(401, problem, "Provided authentication token is invalid or revoked.")
            return self._access_tokens[token]

    @staticmethod
    def _invoke_body(request: Request) -> dict:
        try:
            body = request.json_object()
        except HttpError:
            raise api_error(400, "invalid_json", "body must be a JSON object") from None
        if not isinstance(body.get("model"), str) or not body["model"]:
            raise api_error(400, "missing_model", "model is required")
        if not isinstance(body.get("input"), (str, list)):
            raise api_error(400, "invalid_input", "input must be a string or a list of messages")
        return body


# --------------------------------------------------------------------------- Responses API shapes


def _last_user_text(input_value: str | list) -> str | None:
    if isinstance(input_value, str):
        return input_value
    for item in reversed(input_value):
        if isinstance(item, dict) and item.get("role") == "user":
            return _message_text(item.get("content"))
    return None


def _message_text(content: object) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and part.get("type") in ("input_text", "text")
            and isinstance(part.get("text"), str)
        ]
        return "".join(texts) if texts else None
    return None


def _response_object(model: str, prompt: str, reply: str) -> dict:
    input_tokens, output_tokens = len(prompt.split()), len(reply.split())
    return {
        "id": "resp_" + secrets.token_hex(12),
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": [{
            "type": "message",
            "id": "msg_" + secrets.token_hex(12),
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": reply, "annotations": []}],
        }],
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    }


def _sse_events(final: dict) -> Iterator[bytes]:
    """The event sequence of a streamed Responses API call, ending with response.completed."""
    message = final["output"][0]
    text = message["content"][0]["text"]
    in_progress = {**final, "status": "in_progress", "output": [], "usage": None}
    empty_message = {**message, "status": "in_progress", "content": []}
    where = {"item_id": message["id"], "output_index": 0, "content_index": 0}
    events = [
        {"type": "response.created", "response": in_progress},
        {"type": "response.output_item.added", "output_index": 0, "item": empty_message},
        *({"type": "response.output_text.delta", **where, "delta": piece} for piece in re.findall(r"\S+\s*|\s+", text)),
        {"type": "response.output_text.done", **where, "text": text},
        {"type": "response.output_item.done", "output_index": 0, "item": message},
        {"type": "response.completed", "response": final},
    ]
    for sequence_number, event in enumerate(events):
        event = {**event, "sequence_number": sequence_number}
        yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


# --------------------------------------------------------------------------- standalone


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OAuth/OIDC test server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--access-ttl", type=int, default=3600)
    parser.add_argument("--device-interval", type=int, default=1)
    parser.add_argument("--no-device-flow", action="store_true")
    args = parser.parse_args(argv)
    server = OAuthTestServer(
        args.host,
        args.port,
        access_ttl=args.access_ttl,
        device_flow=not args.no_device_flow,
        device_interval=args.device_interval,
    ).start()
    print(server.issuer, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
