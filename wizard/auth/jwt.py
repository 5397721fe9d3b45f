"""Read JWT claims without verifying: we only need `exp` and the account claims.

base64 and math load when a token is read: `models auth status` with nothing stored reads none."""

from __future__ import annotations

from wizard.auth.safetext import clean
from wizard.auth.store import MAX_EXPIRES_AT_MS, parse_json
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

OPENAI_AUTH_CLAIM = "https://api.openai.com/auth"
OPENAI_PROFILE_CLAIM = "https://api.openai.com/profile"


class NotAJwt(ValueError):
    """args[0] is the message (quote it as a value, not str(exc), to keep it translatable)."""


def decode_claims(token: str) -> dict[str, Any]:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or not parts[1]:
        raise NotAJwt(M("not a JWT (expected three dot-separated parts)"))
    import base64

    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = parse_json(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        raise NotAJwt(M("not a JWT (the payload is not base64url JSON)")) from None
    if not isinstance(claims, dict):
        raise NotAJwt(M("not a JWT (the payload is not a JSON object)"))
    return claims


def account_info(id_token: str | None, access_token: str | None = None) -> dict[str, str]:
    """account_id, plan and email from the id_token (falling back to the access token), as data:
    terminal controls removed (a token's claims are text from the network)."""
    info: dict[str, str] = {}
    for token in (access_token, id_token):  # id_token wins: read last
        if not token:
            continue
        try:
            claims = decode_claims(token)
        except NotAJwt:
            continue
        auth = claims.get(OPENAI_AUTH_CLAIM) or {}
        profile = claims.get(OPENAI_PROFILE_CLAIM) or {}
        if isinstance(auth, dict):
            if _text(auth.get("chatgpt_account_id")):
                info["account_id"] = clean(auth["chatgpt_account_id"])
            if _text(auth.get("chatgpt_plan_type")):
                info["plan"] = clean(auth["chatgpt_plan_type"])
        email = claims.get("email") or (profile.get("email") if isinstance(profile, dict) else None)
        if _text(email):
            info["email"] = clean(email)
    return info


def _text(value: object) -> bool:
    """A claim we can store: a non-empty string (a number or object there is someone else's format)."""
    return isinstance(value, str) and bool(value)


def expiry_ms(token: str) -> int | None:
    """The token's `exp` claim in milliseconds since the epoch; None when it has none.

    Raises NotAJwt for something that is not a JWT, and for an `exp` that is not a date
    (NaN, Infinity, beyond the year 9999): no date arithmetic works on those."""
    return exp_to_ms(decode_claims(token).get("exp"))


def exp_to_ms(exp: object) -> int | None:
    """An `exp` claim (seconds) in milliseconds; None when it is absent or not a number (true is not 1)."""
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return None
    import math

    # An int is finite (and math.isfinite raises OverflowError for one no float holds, like 10**400).
    if not ((isinstance(exp, int) or math.isfinite(exp)) and abs(exp) <= MAX_EXPIRES_AT_MS // 1000):
        raise NotAJwt(M("a JWT whose 'exp' claim is not a date"))
    return int(exp * 1000)
