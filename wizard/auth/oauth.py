"""The OAuth client calls: authorize URL, code exchange, refresh, revoke, discovery.

Only the sign-in, refresh and logout paths import this module (it loads httpx2).
Error text from the provider reaches the user verbatim; request bodies (codes,
verifiers, tokens) never appear in messages.
"""

from __future__ import annotations

import math
import os
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2

from wizard import __version__
from wizard.auth import jwt, store
from wizard.auth.providers import Provider
from wizard.errors import WizardError

DEFAULT_HTTP_TIMEOUT = 30.0
JSON_TYPES = ("application/json", "text/json")
MAX_EXPIRES_IN_SECONDS = 100 * 365 * 86400


class OAuthError(WizardError):
    """The provider answered with an error (or with something that is not OAuth at all)."""

    code = "OAUTH_ERROR"

    def __init__(self, message: str, *, error: str = "", description: str = "", status: int | None = None,
                 hint: str | None = None):
        super().__init__(message, hint=hint)
        self.error = error
        self.description = description
        self.status = status


class NetworkError(WizardError):
    code = "NETWORK"


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str
    revoke: str = ""
    device_authorization: str = ""


def http_timeout() -> float:
    try:
        return max(0.1, float(os.environ.get("OPENCLAW_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT)))
    except ValueError:
        return DEFAULT_HTTP_TIMEOUT


_client: httpx2.Client | None = None


def client() -> httpx2.Client:
    """One HTTP client per process; creating it (TLS context) is the slow part, so do it early."""
    global _client
    if _client is None:
        _client = httpx2.Client(timeout=http_timeout(), follow_redirects=False,
                                headers={"User-Agent": f"openclaw/{__version__}", "Accept": "application/json"})
    return _client


# --------------------------------------------------------------------------- endpoints and discovery

_discovery_cache: dict[str, dict] = {}


def discovery_url(provider: Provider) -> str:
    return provider.issuer.rstrip("/") + "/.well-known/openid-configuration"


def discover(provider: Provider) -> dict:
    """The provider's OIDC discovery document, fetched once per run."""
    url = discovery_url(provider)
    if url not in _discovery_cache:
        what = f"the discovery document of {provider.id}"
        response = send("GET", url, what=what)
        document = json_body(response)
        if response.status_code != 200 or not isinstance(document, dict):
            raise OAuthError(f"{what} could not be read ({_status_text(response, document)})",
                             status=response.status_code,
                             hint=f"check the issuer of {provider.id} in the providers file")
        _discovery_cache[url] = document
    return _discovery_cache[url]


def endpoints(provider: Provider) -> Endpoints:
    if not provider.discovery:
        return Endpoints(provider.authorize_endpoint, provider.token_endpoint, provider.revoke_endpoint)
    document = discover(provider)
    return Endpoints(
        authorize=_str(document.get("authorization_endpoint")) or provider.authorize_endpoint,
        token=_str(document.get("token_endpoint")) or provider.token_endpoint,
        revoke=_str(document.get("revocation_endpoint")),
        device_authorization=_str(document.get("device_authorization_endpoint")),
    )


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


# --------------------------------------------------------------------------- authorize

def authorize_url(provider: Provider, endpoint: str, *, redirect_uri: str, code_challenge: str, state: str) -> str:
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": provider.scopes,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
        **provider.authorize_params,
        "state": state,
    }
    separator = "&" if "?" in endpoint else "?"
    return endpoint + separator + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


# --------------------------------------------------------------------------- token endpoint

def exchange_code(provider: Provider, token_endpoint: str, *, code: str, redirect_uri: str, code_verifier: str,
                  timeout: float | None = None) -> dict:
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": provider.client_id,
        "code_verifier": code_verifier,
    }
    return token_request(token_endpoint, params, body="form", timeout=timeout)


def refresh_tokens(provider: Provider, refresh_token: str, *, timeout: float | None = None) -> dict:
    params = {"client_id": provider.client_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
    return token_request(endpoints(provider).token, params, body=provider.refresh_body, timeout=timeout)


def token_request(url: str, params: dict, *, body: str = "form", timeout: float | None = None,
                  what: str = "the token endpoint") -> dict:
    """POST to a token endpoint; the token response, or OAuthError / NetworkError."""
    payload = {"json": params} if body == "json" else {"data": params}
    response = send("POST", url, what=what, timeout=timeout, **payload)
    data = json_body(response)
    if response.status_code == 200 and isinstance(data, dict) and isinstance(data.get("access_token"), str):
        return data
    raise provider_error(response, data, what)


def provider_error(response: httpx2.Response, data: object, what: str) -> OAuthError:
    """An OAuthError carrying the provider's own words, or a plain description of what came back."""
    error, description = _error_fields(data)
    status = response.status_code
    if error:
        text = f"{error}: {description}" if description else error
        return OAuthError(f"{what} refused the request: {text} (HTTP {status})",
                          error=error, description=description, status=status)
    return OAuthError(f"{what} answered {_status_text(response, data)}", status=status,
                      hint="a proxy, firewall or captive portal may be in the way; try again, "
                           "or from another network")


def _error_fields(data: object) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", ""
    error = data.get("error")
    if isinstance(error, dict):  # the OpenAI API shape: {"error": {"code", "message"}}
        code = error.get("code") or error.get("type") or ""
        return str(code), str(error.get("message") or "")
    if isinstance(error, str) and error:
        return error, str(data.get("error_description") or "")
    return "", ""


def _status_text(response: httpx2.Response, data: object) -> str:
    status = response.status_code
    if data is None and "html" in response.headers.get("content-type", "").lower():
        return f"HTTP {status} with an HTML page instead of JSON"
    if data is None:
        return f"HTTP {status} without a JSON body"
    if status == 200:
        return "HTTP 200 without an access_token"
    return f"HTTP {status}"


def json_body(response: httpx2.Response) -> object | None:
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES and not content_type.endswith("+json"):
        return None
    try:
        return store.parse_json(response.content)
    except ValueError:
        return None


def send(method: str, url: str, *, what: str, timeout: float | None = None, **kwargs) -> httpx2.Response:
    timeout = timeout if timeout is not None else http_timeout()
    host = urllib.parse.urlsplit(url).netloc or url
    try:
        return client().request(method, url, timeout=timeout, **kwargs)
    except httpx2.TimeoutException:
        raise NetworkError(f"{what} at {host} did not answer within {timeout:g} s",
                           hint="check your network connection and try again") from None
    except httpx2.HTTPError as exc:
        raise NetworkError(f"could not reach {what} at {host}: {_reason(exc)}",
                           hint="check your network connection (and proxy settings) and try again") from None


def _reason(exc: Exception) -> str:
    from wizard.errors import network_reason

    return network_reason(exc)


# --------------------------------------------------------------------------- revoke

def revoke(provider: Provider, token: str) -> bool:
    """Best effort (RFC 7009): True if the provider accepted the revocation."""
    try:
        url = endpoints(provider).revoke if provider.discovery else provider.revoke_endpoint
        if not url or not provider.revocable:
            return False
        response = send("POST", url, what="the revocation endpoint",
                        data={"token": token, "client_id": provider.client_id})
        return response.status_code == 200
    except WizardError:
        return False


# --------------------------------------------------------------------------- the stored record

def credential_record(provider_id: str, tokens: dict, previous: dict | None = None) -> dict:
    """The credential store's record for a token response (a refresh keeps what it does not replace)."""
    previous = previous or {}
    access_token = tokens["access_token"]
    id_token = _str(tokens.get("id_token")) or previous.get("id_token")
    record = {
        "provider": provider_id,
        "type": "oauth",
        "access_token": access_token,
        "refresh_token": _str(tokens.get("refresh_token")) or previous.get("refresh_token"),
        "expires_at": _expires_at_ms(access_token, tokens.get("expires_in")),
        "scope": _str(tokens.get("scope")) or previous.get("scope"),
        "id_token": id_token,
        "last_refresh": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    for key in ("account_id", "email", "plan"):
        if previous.get(key):
            record[key] = previous[key]
    record.update(jwt.account_info(id_token, access_token))
    return {key: value for key, value in record.items() if value is not None}


def _expires_at_ms(access_token: str, expires_in: object) -> int | None:
    try:
        from_claim = jwt.expiry_ms(access_token)
    except jwt.NotAJwt:
        from_claim = None
    if from_claim:
        return from_claim
    if isinstance(expires_in, str) and expires_in.isdigit() and len(expires_in) <= 12:
        expires_in = int(expires_in)
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
        return None
    if not (math.isfinite(expires_in) and abs(expires_in) <= MAX_EXPIRES_IN_SECONDS):
        return None  # NaN, Infinity or a date past 9999: no usable expiry, not a crash
    return int((time.time() + expires_in) * 1000)
