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

import os
import sys
import time

from wizard import fsutil, paths
from wizard.errors import StorageError
from wizard.fsutil import atomic_write, ensure_private_dir
from wizard.i18n import M, localize

# Neither typing nor pathlib, and json only once there is JSON: `models auth status` with nothing
# stored needs none of them (TYPE_CHECKING is typing's constant, without importing typing).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeAlias

    # A credential record: the seed's shape (provider, access_token, refresh_token, expires_at, ...).
    Record: TypeAlias = dict[str, Any]

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


def validate_record(data: object, source: str, provider: str | None = None) -> Record:
    """Check the seed's shape; return a normalized copy or raise CredentialError naming the field."""
    fix = M("fix {source} or sign in again", source=source) if source != "-" else M("fix the input and import it again")
    if not isinstance(data, dict):
        raise CredentialError(M("{source}: expected a JSON object, got {type}", source=source,
                                type=type(data).__name__), hint=fix)
    record: Record = dict(data)
    if provider is not None:
        record.setdefault("provider", provider)
    if not isinstance(record.get("provider"), str) or not record["provider"]:
        raise CredentialError(M("{source}: field '{field}' must be a non-empty string", source=source,
                                field="provider"), hint=fix)
    if provider is not None and record["provider"] != provider:
        raise CredentialError(M("{source}: field 'provider' is {found!r}, expected {expected!r}", source=source,
                                found=record["provider"], expected=provider), hint=fix)
    token = record.get("access_token")
    if not isinstance(token, str) or not token:
        raise CredentialError(M("{source}: field '{field}' must be a non-empty string", source=source,
                                field="access_token"), hint=fix)
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise CredentialError(M("{source}: field '{field}' must be a string, got {type}", source=source,
                                    field=key, type=type(record[key]).__name__), hint=fix)
    refresh = record.get("refresh_token")
    if refresh is not None and (not isinstance(refresh, str) or not refresh):
        raise CredentialError(M("{source}: field 'refresh_token' must be a non-empty string or null",
                                source=source), hint=fix)
    scope = record.get("scope")
    if isinstance(scope, list) and all(isinstance(s, str) for s in scope):
        record["scope"] = " ".join(scope)
    elif scope is not None and not isinstance(scope, str):
        raise CredentialError(M("{source}: field '{field}' must be a string, got {type}", source=source,
                                field="scope", type=type(scope).__name__), hint=fix)
    record["expires_at"] = _validate_expires_at(record.get("expires_at"), source, fix)
    revoked = record.get("revoked")
    if revoked is not None and not (isinstance(revoked, dict) and isinstance(revoked.get("error"), str)):
        raise CredentialError(M("{source}: field 'revoked' must be an object with a string 'error'",
                                source=source), hint=fix)
    kind = record.get("type") or ("oauth" if record.get("refresh_token") else "token")
    if kind not in CREDENTIAL_TYPES:
        raise CredentialError(M("{source}: field 'type' must be one of {types}", source=source,
                                types=", ".join(CREDENTIAL_TYPES)), hint=fix)
    record["type"] = kind
    return record


def _validate_expires_at(value: object, source: str, fix: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CredentialError(
            M("{source}: field 'expires_at' must be a number (milliseconds since the epoch), got {type}",
              source=source, type=type(value).__name__), hint=fix)
    if not -MAX_EXPIRES_AT_MS <= value <= MAX_EXPIRES_AT_MS:  # also NaN, Infinity and 10**400
        raise CredentialError(M("{source}: field 'expires_at' is not a date (milliseconds since the epoch up to "
                                "the year 9999)", source=source), hint=fix)
    if 0 < value < _MS_THRESHOLD:
        raise CredentialError(
            M("{source}: field 'expires_at' is {value}, which looks like seconds; "
              "it must be milliseconds since the epoch", source=source, value=int(value)),
            hint=M("multiply it by 1000 ({value}) in {source}, or sign in again", value=int(value) * 1000,
                   source=source))
    return int(value)


def load(provider: str, path: str | Path | None = None) -> Record | None:
    """The stored record, None when there is none; CredentialError when it is unusable."""
    path = path or paths.credential_path_str(provider)
    raw = _read_private(path, hint=M("give yourself read access (chmod 600 {path}) or sign in again", path=path))
    if raw is None:
        return None
    try:
        data = parse_json(raw)
    except ValueError as exc:
        problem = M("{path} is empty", path=path) if not raw.strip() else M(
            "{path} is not valid JSON ({reason})", path=path, reason=exc)
        importing = f"openclaw models auth import --provider {provider}"
        raise CredentialError(problem, hint=M("sign in again, or replace it with `{command}`",
                                              command=importing)) from None
    return validate_record(data, str(path), provider)


def _read_private(path: str | Path, hint: str) -> bytes | None:
    """The file's bytes (None when missing): a regular file only, size-capped, from a dir we may trust;
    a too-open mode is repaired on a file of ours, reported on anything else."""
    folder = paths.parent(os.fspath(path))
    try:
        for directory in (paths.parent(folder), folder):
            fsutil.check_dir_for_reading(directory)
    except StorageError as exc:
        raise CredentialError(exc.message, hint=exc.hint) from None
    try:
        read = fsutil.read_regular_file(path, repair_mode=True)
    except fsutil.FileRefused as exc:
        fix = hint if exc.permission else M("move it aside (mv {path} {path}.old) and sign in again", path=path)
        raise CredentialError(exc.reason, hint=fix) from None
    if read is None:
        return None
    report_mode(path, read)
    return read.data


def report_mode(path: str | Path, read: fsutil.FileRead) -> None:
    """A group/world-accessible credential file: repaired to 0600 if it is ours, otherwise the fix is named."""
    if not read.mode & 0o077:
        return
    if read.repaired:
        print(localize(M("warning: {path} was readable by others (mode {mode:04o}); repaired to 0600", path=path,
                         mode=read.mode)), file=sys.stderr)
        return
    if read.linked:
        why = M("it is a symbolic link, and OpenClaw never changes the file a link points to")
        target = os.path.realpath(path)  # what Path.resolve() answers
    elif read.uid != os.geteuid():
        why = M("it belongs to {user}, not to you", user=fsutil.user_name(read.uid))
        target = os.fspath(path)
    else:
        why = M("it could not be changed")
        target = os.fspath(path)
    print(localize(M("warning: {path} is readable by others (mode {mode:04o}) and was left as it is: {why}; "
                     "run chmod 600 {target}", path=path, mode=read.mode, why=why, target=target)), file=sys.stderr)


def parse_json(raw: bytes | str) -> object:
    """json.loads, with every way it fails on hostile input as a ValueError.

    Use it for every JSON read from a file, stdin or the network: UnicodeDecodeError and
    JSONDecodeError are ValueErrors already, as is a 5000-digit integer; deep nesting is not."""
    import json

    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError(M("nested too deeply")) from None


def check_writable(provider_id: str) -> None:
    """StorageError naming the path, the reason and the fix when `provider_id`'s credential could not be
    stored (the state or credentials dir is a file, not ours, open to others, read-only or not
    creatable; the credential or lock path is a directory). Writes nothing."""
    fsutil.check_writable_dir(paths.state_dir())
    fsutil.check_writable_dir(paths.credentials_dir())
    for path in (paths.credential_path(provider_id), lock_path(provider_id)):
        if path.is_dir():
            raise StorageError(M("cannot store the {provider} credentials: {path} is a directory",
                                 provider=provider_id, path=path),
                               hint=M("move it aside (mv {path} {path}.old) and run the command again", path=path))


def lock_path(provider_id: str) -> Path:
    return paths.credentials_dir() / f"{provider_id}.lock"


def save(record: Record) -> Path:
    """Validate and write atomically as 0600 in a 0700 credentials dir.

    Callers hold the provider's credential lock (refresh.credential_lock), as every writer of the
    file does, so any temp file of it found here was left by a writer that was killed: removed."""
    record = validate_record(record, "credential", record.get("provider") if isinstance(record, dict) else None)
    ensure_private_dir(paths.state_dir())
    ensure_private_dir(paths.credentials_dir())
    path = paths.credential_path(record["provider"])
    fsutil.sweep_stale_temps(path)  # a killed write may have left a rotated refresh token in one
    import json

    atomic_write(path, json.dumps(record, indent=2, sort_keys=True) + "\n", mode=0o600)
    return path


def delete(provider: str) -> bool:
    path = paths.credential_path(provider)
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(M("cannot delete {path}: {reason}", path=path, reason=exc.strerror)) from None


# Named secrets (gateway token, channel tokens, webhook secrets): one 0600 JSON map.

def load_secrets() -> dict[str, str]:
    path = paths.secrets_path()
    raw = _read_private(path, hint=M("give yourself read access (chmod 600 {path})", path=path))
    if raw is None:
        return {}
    try:
        data = parse_json(raw)
    except ValueError as exc:
        raise CredentialError(M("{path} is not valid JSON ({reason})", path=path, reason=exc),
                              hint=M("fix or move the file, then run onboarding again")) from None
    secrets = data.get("secrets") if isinstance(data, dict) else None
    if not isinstance(secrets, dict) or not all(isinstance(v, str) for v in secrets.values()):
        raise CredentialError(M("{path}: expected {{\"secrets\": {{name: string}}}}", path=path),
                              hint=M("fix or move the file, then run onboarding again"))
    return dict(secrets)


def secrets_payload(updates: dict[str, str]) -> str:
    """The new secrets file text: the current map with `updates` applied."""
    import json

    merged = load_secrets()
    merged.update(updates)
    return json.dumps({"version": 1, "secrets": merged}, indent=2, sort_keys=True) + "\n"


def save_secrets(updates: dict[str, str]) -> Path:
    """Callers hold the onboard lock (one wizard per state dir): a temp file found here is stale."""
    payload = secrets_payload(updates)
    ensure_private_dir(paths.state_dir())
    ensure_private_dir(paths.credentials_dir())
    path = paths.secrets_path()
    fsutil.sweep_stale_temps(path)
    atomic_write(path, payload, mode=0o600)
    return path
