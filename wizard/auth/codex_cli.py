"""A read-only view of the Codex CLI's sign-in: `$CODEX_HOME/auth.json` (default `~/.codex`).

Its shape: {"OPENAI_API_KEY": null | str,
            "tokens": {"id_token", "access_token", "refresh_token", "account_id"},
            "last_refresh": ISO time}.
We never refresh or write this file: the Codex CLI owns its rotating refresh
token, and a second owner would invalidate it. Standard library only.
"""

from __future__ import annotations

from pathlib import Path

from wizard import paths
from wizard.auth.jwt import NotAJwt, account_info, expiry_ms
from wizard.auth.store import CredentialError, parse_json
from wizard.fsutil import FileRefused, read_regular_file

PROFILE = "openai-codex:codex-cli"
LOGIN_COMMAND = "codex login"
_TOKEN_FIELDS = ("id_token", "access_token", "refresh_token", "account_id")


def auth_path() -> Path:
    return paths.codex_home() / "auth.json"


def load(path: Path | None = None) -> dict | None:
    """The Codex CLI's sign-in as a record in our credential shape; None when there is none.

    Raises CredentialError naming the problem for an unusable file (never deletes it).
    """
    path = path or auth_path()
    try:
        read = read_regular_file(path)  # never changed: the Codex CLI's file, not ours
    except FileRefused as exc:
        hint = (f"give yourself read access (chmod 600 {path}) or run `{LOGIN_COMMAND}`" if exc.permission
                else f"move it aside and run `{LOGIN_COMMAND}`")
        raise CredentialError(exc.reason, hint=hint) from None
    if read is None:
        return None
    raw = read.data
    try:
        data = parse_json(raw)
    except ValueError as exc:
        what = "is empty" if not raw.strip() else f"is not valid JSON ({exc})"
        raise CredentialError(f"{path} {what}", hint=f"run `{LOGIN_COMMAND}` to rewrite it") from None
    return to_record(data, str(path))


def to_record(data: object, source: str) -> dict | None:
    """Convert auth.json's shape to ours: provider openai-codex, type oauth, expires_at from `exp`."""
    fix = f"run `{LOGIN_COMMAND}` to rewrite {source}"
    if not isinstance(data, dict):
        raise CredentialError(f"{source}: expected a JSON object, got {type(data).__name__}", hint=fix)
    tokens = data.get("tokens")
    api_key = data.get("OPENAI_API_KEY")
    if api_key is not None and not isinstance(api_key, str):
        raise CredentialError(f"{source}: field 'OPENAI_API_KEY' must be a string or null", hint=fix)
    if tokens is None:
        if api_key:
            return {"provider": "openai-api-key", "type": "api_key", "access_token": api_key}
        return None
    if not isinstance(tokens, dict):
        raise CredentialError(f"{source}: field 'tokens' must be an object, got {type(tokens).__name__}", hint=fix)
    for key in _TOKEN_FIELDS:
        value = tokens.get(key)
        if value is not None and not isinstance(value, str):
            raise CredentialError(f"{source}: field 'tokens.{key}' must be a string, got {type(value).__name__}",
                                  hint=fix)
    access_token = tokens.get("access_token")
    if not access_token:
        raise CredentialError(f"{source}: field 'tokens.access_token' is missing", hint=fix)
    try:
        expires_at = expiry_ms(access_token)
    except NotAJwt as exc:
        raise CredentialError(f"{source}: field 'tokens.access_token' is {exc}", hint=fix) from None
    record = {
        "provider": "openai-codex",
        "type": "oauth",
        "access_token": access_token,
        "refresh_token": tokens.get("refresh_token") or None,
        "id_token": tokens.get("id_token"),
        "expires_at": expires_at,
    }
    last_refresh = data.get("last_refresh")
    if isinstance(last_refresh, str):
        record["last_refresh"] = last_refresh
    info = account_info(tokens.get("id_token"), access_token)
    record.update({key: value for key, value in info.items() if value})
    if tokens.get("account_id"):
        record["account_id"] = tokens["account_id"]
    return {key: value for key, value in record.items() if value is not None}
