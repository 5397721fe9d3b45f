"""Read JWT claims without verifying: we only need `exp` and the account claims."""

from __future__ import annotations

import base64
import json

OPENAI_AUTH_CLAIM = "https://api.openai.com/auth"
OPENAI_PROFILE_CLAIM = "https://api.openai.com/profile"


class NotAJwt(ValueError):
    pass


def decode_claims(token: str) -> dict:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or not parts[1]:
        raise NotAJwt("not a JWT (expected three dot-separated parts)")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        raise NotAJwt("not a JWT (the payload is not base64url JSON)") from None
    if not isinstance(claims, dict):
        raise NotAJwt("not a JWT (the payload is not a JSON object)")
    return claims


def account_info(id_token: str | None, access_token: str | None = None) -> dict:
    """account_id, plan and email from the id_token (falling back to the access token)."""
    info: dict = {}
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
            if auth.get("chatgpt_account_id"):
                info["account_id"] = auth["chatgpt_account_id"]
            if auth.get("chatgpt_plan_type"):
                info["plan"] = auth["chatgpt_plan_type"]
        email = claims.get("email") or (profile.get("email") if isinstance(profile, dict) else None)
        if email:
            info["email"] = email
    return info


def expiry_ms(access_token: str) -> int | None:
    exp = decode_claims(access_token).get("exp")
    return int(exp) * 1000 if isinstance(exp, (int, float)) else None
