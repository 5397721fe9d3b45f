"""The OAuth client calls: authorize URL, code exchange, refresh, revoke, discovery.

Only the sign-in, refresh and logout paths import this module (it loads httpx2).
Error text from the provider reaches the user verbatim but for terminal controls (safetext);
request bodies (codes, verifiers, tokens) never appear in messages. Every request has a total
deadline (deadline.RequestDeadline) and a size cap on its answer, and goes only to https
addresses, or to plain http on a loopback address (test servers).
"""

from __future__ import annotations

import math
import os
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2

from wizard import __version__, paths
from wizard.auth import httpget, jwt, store
from wizard.auth.addresses import require_secure_url
from wizard.auth.deadline import MAX_RESPONSE_BYTES, RequestDeadline
from wizard.auth.providers import Provider
from wizard.auth.redirect import same_issuer
from wizard.auth.safetext import clean
from wizard.errors import WizardError
from wizard.i18n import M, Msg

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.auth.store import Record

DEFAULT_HTTP_TIMEOUT = 30.0
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
    issuer: str = ""
    # RFC 9207: the provider says it adds `iss` to every authorization response.
    iss_in_response: bool = False


@dataclass(frozen=True)
class HttpReply:
    """A whole answer, read within the request's deadline and size cap."""

    status_code: int
    headers: httpx2.Headers
    content: bytes


def http_timeout() -> float:
    try:
        return max(0.1, float(os.environ.get("OPENCLAW_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT)))
    except ValueError:
        return DEFAULT_HTTP_TIMEOUT


_client: httpx2.Client | None = None


def client() -> httpx2.Client:
    """One HTTP client per process; creating it (TLS context) is the slow part, so do it early.

    No keep-alive: RequestDeadline must see every request's connection being made."""
    global _client
    if _client is None:
        _client = httpx2.Client(timeout=http_timeout(), follow_redirects=False,
                                limits=httpx2.Limits(max_keepalive_connections=0),
                                headers={"User-Agent": f"openclaw/{__version__}", "Accept": "application/json"})
    return _client


# --------------------------------------------------------------------------- TLS except on loopback
# (the rule, require_secure_url, is wizard.auth.addresses': the usage fetch checks it without httpx2)


def require_tls(provider: Provider) -> None:
    """Refuse, before any traffic, a provider whose issuer or endpoints are not https (loopback aside)."""
    where = f"{paths.providers_file()} [providers.{provider.id}]"
    if provider.issuer:
        require_secure_url(provider.issuer, where, "issuer")
    if provider.invoke_url:
        require_secure_url(provider.invoke_url, where, "invoke_url")
    if provider.issuer and not provider.discovery:  # a key provider has no issuer, so no endpoints built on one
        for key, url in (("authorize_path", provider.authorize_endpoint), ("token_path", provider.token_endpoint),
                         ("revoke_path", provider.revoke_endpoint)):
            if url:
                require_secure_url(url, where, key)


# --------------------------------------------------------------------------- endpoints and discovery

_discovery_cache: dict[str, dict[str, Any]] = {}


def discovery_url(provider: Provider) -> str:
    return provider.issuer.rstrip("/") + "/.well-known/openid-configuration"


def discover(provider: Provider, *, timeout: float | None = None) -> dict[str, Any]:
    """The provider's OIDC discovery document, fetched once per run; its `issuer` must be ours."""
    url = discovery_url(provider)
    if url not in _discovery_cache:
        what = M("the discovery document of {provider}", provider=provider.id)
        response = send("GET", url, what=what, timeout=timeout)
        document = json_body(response)
        if response.status_code != 200 or not isinstance(document, dict):
            raise OAuthError(M("{what} could not be read ({status})", what=what,
                               status=_status_text(response, document)),
                             status=response.status_code,
                             hint=M("check the issuer of {provider} in the providers file", provider=provider.id))
        _require_same_issuer(provider, document, url)
        _discovery_cache[url] = document
    return _discovery_cache[url]


def _require_same_issuer(provider: Provider, document: dict[str, Any], url: str) -> None:
    """OpenID Connect Discovery §4.3: a document for another issuer is a mix-up, not a detail."""
    published = document.get("issuer")
    if isinstance(published, str) and same_issuer(published, provider.issuer):
        return
    shown = repr(clean(published)) if isinstance(published, str) else M("no issuer")
    raise OAuthError(M("the discovery document at {url} names {shown} as its issuer, not {issuer!r}; "
                       "refusing to use it (another provider's endpoints would receive this sign-in)",
                       url=url, shown=shown, issuer=provider.issuer),
                     hint=M("set the issuer of {provider} in {path} to exactly the provider's issuer",
                            provider=provider.id, path=paths.providers_file()), error="issuer_mismatch")


def endpoints(provider: Provider, *, timeout: float | None = None) -> Endpoints:
    """Where to send each request; refuses any address that is not https (loopback aside) before using it."""
    require_tls(provider)
    if not provider.discovery:
        return Endpoints(provider.authorize_endpoint, provider.token_endpoint, provider.revoke_endpoint,
                         issuer=provider.issuer)
    document = discover(provider, timeout=timeout)
    found = Endpoints(
        authorize=_str(document.get("authorization_endpoint")) or provider.authorize_endpoint,
        token=_str(document.get("token_endpoint")) or provider.token_endpoint,
        revoke=_str(document.get("revocation_endpoint")),
        device_authorization=_str(document.get("device_authorization_endpoint")),
        issuer=provider.issuer,
        iss_in_response=document.get("authorization_response_iss_parameter_supported") is True,
    )
    where = M("the discovery document of {provider} ({url})", provider=provider.id, url=discovery_url(provider))
    hint = M("the provider must publish https endpoints; check the issuer of {provider} in {path}",
             provider=provider.id, path=paths.providers_file())
    for key, url in (("authorization_endpoint", found.authorize), ("token_endpoint", found.token),
                     ("revocation_endpoint", found.revoke),
                     ("device_authorization_endpoint", found.device_authorization)):
        if url:
            require_secure_url(url, where, key, hint=hint)
    return found


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
                  timeout: float | None = None) -> dict[str, Any]:
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": provider.client_id,
        "code_verifier": code_verifier,
    }
    return token_request(token_endpoint, params, body="form", timeout=timeout)


def refresh_tokens(provider: Provider, refresh_token: str, *, timeout: float | None = None) -> dict[str, Any]:
    params = {"client_id": provider.client_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
    return token_request(endpoints(provider).token, params, body=provider.refresh_body, timeout=timeout)


TOKEN_ENDPOINT = M("the token endpoint")


def token_request(url: str, params: dict[str, str], *, body: str = "form", timeout: float | None = None,
                  what: str = TOKEN_ENDPOINT) -> dict[str, Any]:
    """POST to a token endpoint; the token response, or OAuthError / NetworkError."""
    payload = {"json": params} if body == "json" else {"data": params}
    response = send("POST", url, what=what, timeout=timeout, **payload)
    data = json_body(response)
    if response.status_code == 200 and isinstance(data, dict) and isinstance(data.get("access_token"), str):
        return data
    raise provider_error(response, data, what)


def provider_error(response: HttpReply, data: object, what: str) -> OAuthError:
    """An OAuthError carrying the provider's own words, or a plain description of what came back."""
    error, description = _error_fields(data)
    status = response.status_code
    if error:
        text = f"{error}: {description}" if description else error
        return OAuthError(M("{what} refused the request: {error} (HTTP {status})", what=what, error=text,
                            status=status),
                          error=error, description=description, status=status)
    return OAuthError(M("{what} answered {status}", what=what, status=_status_text(response, data)), status=status,
                      hint=M("a proxy, firewall or captive portal may be in the way; try again, "
                             "or from another network"))


def _error_fields(data: object) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", ""
    error = data.get("error")
    if isinstance(error, dict):  # the OpenAI API shape: {"error": {"code", "message"}}
        code = error.get("code") or error.get("type") or ""
        return clean(code), clean(error.get("message") or "")
    if isinstance(error, str) and error:
        return clean(error), clean(data.get("error_description") or "")
    return "", ""


def _status_text(response: HttpReply, data: object) -> str:
    status = response.status_code
    if data is None and "html" in response.headers.get("content-type", "").lower():
        return M("HTTP {status} with an HTML page instead of JSON", status=status)
    if data is None:
        return M("HTTP {status} without a JSON body", status=status)
    if status == 200:
        return M("HTTP 200 without an access_token")
    return f"HTTP {status}"


def json_body(response: HttpReply) -> object | None:
    return httpget.json_body(response.headers.get("content-type", ""), response.content)


def send(method: str, url: str, *, what: str, timeout: float | None = None, **kwargs: Any) -> HttpReply:
    """One request, answered in full within `timeout` seconds in total (default OPENCLAW_HTTP_TIMEOUT)."""
    timeout = timeout if timeout is not None else http_timeout()
    host = clean(urllib.parse.urlsplit(url).netloc or url)
    where = M("{what} at {host}", what=what, host=host)
    with RequestDeadline(timeout) as deadline:
        try:
            with client().stream(method, url, timeout=timeout, extensions={"trace": deadline.trace},
                                 **kwargs) as response:
                content = read_capped(response, deadline, where)
                return HttpReply(response.status_code, response.headers, content)
        except (httpx2.TimeoutException, TimeoutError):
            raise too_slow(where, timeout) from None
        except httpx2.HTTPError as exc:
            if deadline.expired:
                raise too_slow(where, timeout) from None
            raise NetworkError(M("could not reach {where}: {reason}", where=where, reason=_reason(exc)),
                               hint=M("check your network connection (and proxy settings) and try again")) from None


def read_capped(response: httpx2.Response, deadline: RequestDeadline, where: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        deadline.check()
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise NetworkError(M("{where} answered with more than {mib} MiB; far more than any answer to this request",
                                 where=where, mib=MAX_RESPONSE_BYTES // (1 << 20)),
                               hint=M("a proxy or captive portal may be in the way; try again, or from another "
                                      "network"))
        chunks.append(chunk)
    deadline.check()
    return b"".join(chunks)


def too_slow(where: str, timeout: float) -> NetworkError:
    return NetworkError(M("{where} did not answer within {timeout:.3g} s", where=where, timeout=timeout),
                        hint=M("check your network connection and try again (OPENCLAW_HTTP_TIMEOUT sets the limit "
                               "in seconds)"))


def _reason(exc: Exception) -> str:
    from wizard.errors import network_reason

    return network_reason(exc)


# --------------------------------------------------------------------------- revoke

REVOKED, REFUSED, FAILED, NOT_SENT = "revoked", "refused", "failed", "not_sent"


@dataclass(frozen=True)
class Revocation:
    """What happened to one token at the revocation endpoint (RFC 7009)."""

    token_type: str  # refresh_token | access_token
    outcome: str     # revoked | refused (the provider said no) | failed (no answer) | not_sent
    detail: str = ""

    @property
    def revoked(self) -> bool:
        return self.outcome == REVOKED

    def as_dict(self) -> dict[str, str | None]:
        return {"outcome": self.outcome, "detail": self.detail or None}


def revoke(provider: Provider, token: str, token_type: str = "") -> bool:
    """Best effort (RFC 7009): True if the provider accepted the revocation."""
    return revoke_token(provider, token, token_type).revoked


def revoke_tokens(provider: Provider, record: Record) -> list[Revocation]:
    """Revoke the refresh token (which ends the sign-in), then the access token; one outcome each."""
    return [revoke_token(provider, record[kind], kind)
            for kind in ("refresh_token", "access_token") if isinstance(record.get(kind), str) and record[kind]]


def revoke_token(provider: Provider, token: str, token_type: str = "") -> Revocation:
    if not provider.revocable:
        return Revocation(token_type, NOT_SENT, M("{provider} has no revocation endpoint", provider=provider.id))
    try:
        url = endpoints(provider).revoke
    except WizardError as exc:
        return Revocation(token_type, NOT_SENT, exc.message)
    if not url:
        return Revocation(token_type, NOT_SENT, M("{provider} publishes no revocation endpoint", provider=provider.id))
    data = {"token": token, "client_id": provider.client_id}
    if token_type:
        data["token_type_hint"] = token_type
    try:
        response = send("POST", url, what=M("the revocation endpoint"), data=data)
    except WizardError as exc:
        return Revocation(token_type, FAILED, exc.message)
    if response.status_code == 200:
        return Revocation(token_type, REVOKED)
    body = json_body(response)
    error, description = _error_fields(body)
    detail = (f"{error}: {description}" if description else error) if error else _status_text(response, body)
    return Revocation(token_type, REFUSED, f"{detail} (HTTP {response.status_code})" if error else detail)


def sign_in_revoked(revocations: list[Revocation]) -> bool | None:
    """Whether the sign-in is ended at the provider: its refresh token (the grant) was revoked, or, for
    a record with no refresh token, its access token. None when nothing was revocable."""
    by_type = {r.token_type: r for r in revocations}
    deciding = by_type.get("refresh_token") or by_type.get("access_token")
    if deciding is None or deciding.outcome == NOT_SENT:
        return None
    return deciding.revoked


def revocation_lines(where: str, revocations: list[Revocation], record: Record | None) -> list[str]:
    """What logout says happened to each token, refresh token first: revoking it is what ends the sign-in."""
    lines: list[str] = []
    for r in revocations:
        name = token_name(r.token_type)
        if r.revoked and r.token_type == "refresh_token":
            lines.append(M("revoked the refresh token at {where}: the sign-in is ended", where=where))
        elif r.revoked:
            lines.append(M("revoked the {token} at {where}", token=name, where=where))
        elif r.outcome == NOT_SENT:
            lines.append(M("did not revoke the {token}: {detail}", token=name, detail=r.detail))
        elif r.outcome == REFUSED:
            lines.append(M("{where} refused to revoke the {token} ({detail}); {still_valid}", where=where, token=name,
                           detail=r.detail, still_valid=still_valid_text(r.token_type, record)))
        else:
            lines.append(M("{where} could not be asked to revoke the {token} ({detail}); {still_valid}", where=where,
                           token=name, detail=r.detail, still_valid=still_valid_text(r.token_type, record)))
    return lines


def token_name(token_type: str) -> Msg | str:
    """`refresh_token` as people read it: "refresh token"."""
    names = {"refresh_token": M("refresh token"), "access_token": M("access token")}
    return names.get(token_type, token_type.replace("_", " "))


def still_valid_text(token_type: str, record: Record | None) -> Msg:
    if token_type == "refresh_token":
        return M("the sign-in stays valid at the provider until it is revoked there (best effort)")
    expires_at = (record or {}).get("expires_at")
    if isinstance(expires_at, int):
        from wizard.auth.status import format_duration

        return M("it stays valid until it expires (in {duration})",
                 duration=format_duration((expires_at - store.now_ms()) // 1000))
    return M("it stays valid until it expires")


# --------------------------------------------------------------------------- the stored record

def credential_record(provider_id: str, tokens: dict[str, Any], previous: Record | None = None) -> Record:
    """The credential store's record for a token response (a refresh keeps what it does not replace)."""
    previous = previous or {}
    access_token = tokens["access_token"]
    id_token = _str(tokens.get("id_token")) or previous.get("id_token")
    record: Record = {
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
    # An int is finite (and math.isfinite raises OverflowError for one no float holds, like 10**400).
    if not ((isinstance(expires_in, int) or math.isfinite(expires_in)) and abs(expires_in) <= MAX_EXPIRES_IN_SECONDS):
        return None  # NaN, Infinity or a date past 9999: no usable expiry, not a crash
    return int((time.time() + expires_in) * 1000)
