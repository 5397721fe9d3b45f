"""The credential store: `<state>/credentials/<provider>.json` (0600) and the named-secrets file.

The record shape is the one companion apps already write (seed 000, solution C):
provider, access_token, refresh_token, expires_at (ms since epoch), scope,
plus id_token, account_id, email, plan, last_refresh when known, `type`
(oauth | api_key | token), and `revoked` ({at, error, description}) once the
provider has rejected the refresh token. The access token may be opaque
(`sk-...`): only a ChatGPT sign-in's is a JWT. Only stdlib imports: `models auth
status` loads this.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

from wizard import paths
from wizard.errors import StorageError
from wizard.fsutil import atomic_write, ensure_private_dir

CREDENTIAL_TYPES = ("oauth", "api_key", "token")
_STRING_FIELDS = ("access_token", "id_token", "account_id", "email", "plan", "last_refresh", "type")
# Before 1973-03-03 in milliseconds, but a plausible date in seconds: a classic unit mix-up.
_MS_THRESHOLD = 100_000_000_000
# 9999-12-31T23:59:59.999Z: beyond it (or NaN, Infinity) no date arithmetic works.
MAX_EXPIRES_AT_MS = 253_402_300_799_999


class CredentialError(StorageError):
    """A credential file that exists but cannot be used. The file is never deleted for it."""

    code = "BAD_CREDENTIALS"


def now_ms() -> int:
    return int(time.time() * 1000)


def validate_record(data: object, source: str, provider: str | None = None) -> dict:
    """Check the seed's shape; return a normalized copy or raise CredentialError naming the field."""
    fix = f"fix {source} or sign in again" if source != "-" else "fix the input and import it again"
    if not isinstance(data, dict):
        raise CredentialError(f"{source}: expected a JSON object, got {type(data).__name__}", hint=fix)
    record = dict(data)
    if provider is not None:
        record.setdefault("provider", provider)
    if not isinstance(record.get("provider"), str) or not record["provider"]:
        raise CredentialError(f"{source}: field 'provider' must be a non-empty string", hint=fix)
    if provider is not None and record["provider"] != provider:
        raise CredentialError(
            f"{source}: field 'provider' is {record['provider']!r}, expected {provider!r}", hint=fix)
    token = record.get("access_token")
    if not isinstance(token, str) or not token:
        raise CredentialError(f"{source}: field 'access_token' must be a non-empty string", hint=fix)
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise CredentialError(f"{source}: field '{key}' must be a string, got {type(record[key]).__name__}",
                                  hint=fix)
    refresh = record.get("refresh_token")
    if refresh is not None and (not isinstance(refresh, str) or not refresh):
        raise CredentialError(f"{source}: field 'refresh_token' must be a non-empty string or null", hint=fix)
    scope = record.get("scope")
    if isinstance(scope, list) and all(isinstance(s, str) for s in scope):
        record["scope"] = " ".join(scope)
    elif scope is not None and not isinstance(scope, str):
        raise CredentialError(f"{source}: field 'scope' must be a string, got {type(scope).__name__}", hint=fix)
    record["expires_at"] = _validate_expires_at(record.get("expires_at"), source, fix)
    revoked = record.get("revoked")
    if revoked is not None and not (isinstance(revoked, dict) and isinstance(revoked.get("error"), str)):
        raise CredentialError(f"{source}: field 'revoked' must be an object with a string 'error'", hint=fix)
    kind = record.get("type") or ("oauth" if record.get("refresh_token") else "token")
    if kind not in CREDENTIAL_TYPES:
        raise CredentialError(f"{source}: field 'type' must be one of {', '.join(CREDENTIAL_TYPES)}", hint=fix)
    record["type"] = kind
    return record


def _validate_expires_at(value: object, source: str, fix: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CredentialError(
            f"{source}: field 'expires_at' must be a number (milliseconds since the epoch), "
            f"got {type(value).__name__}", hint=fix)
    if not -MAX_EXPIRES_AT_MS <= value <= MAX_EXPIRES_AT_MS:  # also NaN, Infinity and 10**400
        raise CredentialError(f"{source}: field 'expires_at' is not a date (milliseconds since the epoch up to "
                              "the year 9999)", hint=fix)
    if 0 < value < _MS_THRESHOLD:
        raise CredentialError(
            f"{source}: field 'expires_at' is {int(value)}, which looks like seconds; "
            "it must be milliseconds since the epoch",
            hint=f"multiply it by 1000 ({int(value) * 1000}) in {source}, or sign in again")
    return int(value)


def load(provider: str, path: Path | None = None) -> dict | None:
    """The stored record, None when there is none; CredentialError when it is unusable."""
    path = path or paths.credential_path(provider)
    raw = _read_private(path, hint=f"give yourself read access (chmod 600 {path}) or sign in again")
    if raw is None:
        return None
    try:
        data = parse_json(raw)
    except ValueError as exc:
        what = "is empty" if not raw.strip() else f"is not valid JSON ({exc})"
        raise CredentialError(f"{path} {what}",
                              hint="sign in again, or replace it with "
                                   f"`openclaw models auth import --provider {provider}`") from None
    return validate_record(data, str(path), provider)


def _read_private(path: Path, hint: str) -> bytes | None:
    """The file's bytes (None when missing), after repairing a too-open mode."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CredentialError(f"cannot read {path}: {exc.strerror}",
                              hint=hint if isinstance(exc, PermissionError) else None) from None
    repair_mode(path)
    return raw


def parse_json(raw: bytes | str) -> object:
    """json.loads, with every way it fails on hostile input as a ValueError.

    Use it for every JSON read from a file, stdin or the network: UnicodeDecodeError and
    JSONDecodeError are ValueErrors already, as is a 5000-digit integer; deep nesting is not."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def repair_mode(path: Path) -> None:
    """A group/world-readable credential file is tightened to 0600, with a warning."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    if not mode & 0o077:
        return
    try:
        os.chmod(path, 0o600)
        print(f"warning: {path} was readable by others (mode {mode:04o}); repaired to 0600", file=sys.stderr)
    except OSError as exc:
        print(f"warning: {path} is readable by others (mode {mode:04o}) and could not be repaired: "
              f"{exc.strerror}; run chmod 600 {path}", file=sys.stderr)


def save(record: dict) -> Path:
    """Validate and write atomically as 0600 in a 0700 credentials dir."""
    record = validate_record(record, "credential", record.get("provider") if isinstance(record, dict) else None)
    ensure_private_dir(paths.state_dir())
    ensure_private_dir(paths.credentials_dir())
    path = paths.credential_path(record["provider"])
    atomic_write(path, json.dumps(record, indent=2, sort_keys=True) + "\n", mode=0o600)
    return path


def check_writable(provider: str) -> None:
    """Raise StorageError, before a sign-in starts, if its credentials could not be stored.

    Nothing is left behind: the check probes the nearest directory that exists with a file it
    removes at once, and creates no directory."""
    import tempfile

    path = paths.credential_path(provider)
    fix = "set OPENCLAW_STATE_DIR to a writable directory, or fix the path named"
    if path.is_dir():
        raise StorageError(f"cannot store the {provider} credentials: {path} is a directory",
                           hint=f"move {path} aside, then sign in again")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise StorageError(f"cannot store the {provider} credentials: {existing} is a file, not a directory",
                           hint=f"move {existing} aside, or {fix}")
    try:
        fd, probe = tempfile.mkstemp(prefix=".openclaw-probe-", dir=existing)
    except OSError as exc:
        raise StorageError(f"cannot store the {provider} credentials in {existing}: {exc.strerror or exc}",
                           hint=fix) from None
    os.close(fd)
    os.unlink(probe)


def delete(provider: str) -> bool:
    path = paths.credential_path(provider)
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(f"cannot delete {path}: {exc.strerror}") from None


# Named secrets (gateway token, channel tokens, webhook secrets): one 0600 JSON map.

def load_secrets() -> dict[str, str]:
    path = paths.secrets_path()
    raw = _read_private(path, hint=f"give yourself read access (chmod 600 {path})")
    if raw is None:
        return {}
    try:
        data = parse_json(raw)
    except ValueError as exc:
        raise CredentialError(f"{path} is not valid JSON ({exc})",
                              hint="fix or move the file, then run onboarding again") from None
    secrets = data.get("secrets") if isinstance(data, dict) else None
    if not isinstance(secrets, dict) or not all(isinstance(v, str) for v in secrets.values()):
        raise CredentialError(f"{path}: expected {{\"secrets\": {{name: string}}}}",
                              hint="fix or move the file, then run onboarding again")
    return dict(secrets)


def secrets_payload(updates: dict[str, str]) -> str:
    """The new secrets file text: the current map with `updates` applied."""
    merged = load_secrets()
    merged.update(updates)
    return json.dumps({"version": 1, "secrets": merged}, indent=2, sort_keys=True) + "\n"


def save_secrets(updates: dict[str, str]) -> Path:
    payload = secrets_payload(updates)
    ensure_private_dir(paths.state_dir())
    ensure_private_dir(paths.credentials_dir())
    path = paths.secrets_path()
    atomic_write(path, payload, mode=0o600)
    return path
