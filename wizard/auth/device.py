"""Device-code sign-in: OpenAI's own deviceauth endpoints, and RFC 8628 for standard providers.

`start(provider)` asks for a code; the caller shows it, then calls `poll(timeout)`
every `interval` seconds until it returns the token response.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod

from wizard.auth import oauth
from wizard.auth.providers import Provider
from wizard.auth.safetext import clean
from wizard.errors import UsageError
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
OPENAI_USERCODE_PATH = "/api/accounts/deviceauth/usercode"
OPENAI_POLL_PATH = "/api/accounts/deviceauth/token"
OPENAI_VERIFY_PATH = "/codex/device"
OPENAI_DEVICE_REDIRECT_PATH = "/deviceauth/callback"
MIN_INTERVAL = 0.1
DEFAULT_INTERVAL = 5.0
DEFAULT_LIFETIME = 900.0
SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5
WHAT = M("the device-code endpoint")


class DeviceLogin(ABC):
    user_code: str
    verification_uri: str
    interval: float
    expires_at: float  # time.monotonic()

    @abstractmethod
    def poll(self, timeout: float) -> dict[str, Any] | None:
        """The token response once approved; None while the user has not approved yet."""

    def expired(self) -> bool:
        return time.monotonic() >= self.expires_at


def start(provider: Provider, timeout: float | None = None) -> DeviceLogin:
    """Ask for a device code; `timeout` bounds each request (the sign-in's own deadline, when shorter)."""
    if provider.device_style == "openai":
        return OpenAIDeviceLogin.request(provider, timeout)
    endpoints = oauth.endpoints(provider, timeout=timeout) if provider.discovery else None
    if endpoints is not None and endpoints.device_authorization:
        return Rfc8628DeviceLogin.request(provider, endpoints, timeout)
    raise UsageError(M("{provider} does not offer device-code sign-in", provider=provider.id),
                     hint=M("sign in with --method browser or --method paste"))


def _seconds(value: object, default: float) -> float:
    """A number of seconds as the provider sent it (a number, or its text); `default` for anything else,
    and for a number no float holds (10**400 overflows) or that is not finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return default
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        return default
    return seconds if math.isfinite(seconds) else default


def _require_fields(response: oauth.HttpReply, data: object, names: tuple[str, ...],
                    missing_text: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise oauth.provider_error(response, data, WHAT)
    if not isinstance(data, dict) or not all(isinstance(data.get(n), str) and data[n] for n in names):
        raise oauth.OAuthError(M("{what} answered without {missing}", what=WHAT, missing=missing_text),
                               status=response.status_code)
    return data


class OpenAIDeviceLogin(DeviceLogin):
    """auth.openai.com's deviceauth: a user code, then an authorization code + PKCE pair to exchange."""

    def __init__(self, provider: Provider, device_auth_id: str, user_code: str, interval: float, lifetime: float):
        self.provider = provider
        self._device_auth_id = device_auth_id
        self._sent_user_code = user_code  # sent back as received; shown without terminal controls
        self.user_code = clean(user_code)
        self.verification_uri = provider.endpoint(OPENAI_VERIFY_PATH)
        self.interval = max(MIN_INTERVAL, interval)
        self.expires_at = time.monotonic() + lifetime

    @classmethod
    def request(cls, provider: Provider, timeout: float | None = None) -> OpenAIDeviceLogin:
        response = oauth.send("POST", provider.endpoint(OPENAI_USERCODE_PATH), what=WHAT, timeout=timeout,
                              json={"client_id": provider.client_id})
        data = oauth.json_body(response)
        if response.status_code == 404:
            raise oauth.OAuthError(M("device-code sign-in is not enabled for this provider or account (HTTP 404)"),
                                   status=404, hint=M("sign in with --method browser or --method paste"))
        data = _require_fields(response, data, ("device_auth_id", "user_code"), M("a device code"))
        return cls(provider, data["device_auth_id"], data["user_code"],
                   _seconds(data.get("interval"), DEFAULT_INTERVAL), _seconds(data.get("expires_in"), DEFAULT_LIFETIME))

    def poll(self, timeout: float) -> dict[str, Any] | None:
        response = oauth.send("POST", self.provider.endpoint(OPENAI_POLL_PATH), what=WHAT, timeout=timeout,
                              json={"device_auth_id": self._device_auth_id, "user_code": self._sent_user_code})
        if response.status_code in (403, 404):  # not approved yet
            return None
        data = _require_fields(response, oauth.json_body(response), ("authorization_code", "code_verifier"),
                               M("an authorization code"))
        return oauth.exchange_code(
            self.provider, oauth.endpoints(self.provider).token, code=data["authorization_code"],
            redirect_uri=self.provider.endpoint(OPENAI_DEVICE_REDIRECT_PATH),
            code_verifier=data["code_verifier"], timeout=timeout)


class Rfc8628DeviceLogin(DeviceLogin):
    """RFC 8628: device_authorization_endpoint from discovery, then poll the token endpoint."""

    def __init__(self, provider: Provider, token_endpoint: str, data: dict[str, Any]):
        self.provider = provider
        self._token_endpoint = token_endpoint
        self._device_code = data["device_code"]
        self.user_code = clean(data["user_code"])
        self.verification_uri = clean(data["verification_uri"])
        self.interval = max(MIN_INTERVAL, _seconds(data.get("interval"), DEFAULT_INTERVAL))
        self.expires_at = time.monotonic() + _seconds(data.get("expires_in"), DEFAULT_LIFETIME)

    @classmethod
    def request(cls, provider: Provider, endpoints: oauth.Endpoints,
                timeout: float | None = None) -> Rfc8628DeviceLogin:
        response = oauth.send("POST", endpoints.device_authorization, what=WHAT, timeout=timeout,
                              data={"client_id": provider.client_id, "scope": provider.scopes})
        data = _require_fields(response, oauth.json_body(response), ("device_code", "user_code", "verification_uri"),
                               M("a device code"))
        return cls(provider, endpoints.token, data)

    def poll(self, timeout: float) -> dict[str, Any] | None:
        params = {"grant_type": DEVICE_CODE_GRANT, "device_code": self._device_code,
                  "client_id": self.provider.client_id}
        try:
            return oauth.token_request(self._token_endpoint, params, timeout=timeout)
        except oauth.OAuthError as exc:
            if exc.error == "authorization_pending":
                return None
            if exc.error == "slow_down":
                self.interval += SLOW_DOWN_STEP
                return None
            raise
