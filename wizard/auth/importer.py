"""Importing credentials written elsewhere: a companion app's file in the seed's shape, or the
Codex CLI's auth.json. A bad input changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wizard import paths
from wizard.auth import codex_cli, store
from wizard.auth import status as st
from wizard.auth.providers import Provider
from wizard.errors import UsageError, WizardError

SHARED_TOKEN_WARNING = (
    "warning: this copies the Codex CLI's refresh token. Refresh tokens rotate and work once: after the copy, "
    "whichever of OpenClaw and the Codex CLI refreshes first invalidates the other's token, and the other must "
    f"sign in again. A separate sign-in avoids this: {st.login_command(st.CODEX_PROVIDER)}")


def bad_import(message: str, hint: str | None = None) -> WizardError:
    return WizardError(message, code="BAD_CREDENTIALS", exit_code=2,
                       hint=(hint + "; " if hint else "") + "nothing was changed")


def read_file(source: str) -> tuple[str, bytes]:
    """(name for messages, bytes) of a credential file to import."""
    path = Path(source).expanduser()
    try:
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise bad_import(f"{path}: no such file") from None
    except IsADirectoryError:
        raise bad_import(f"{path} is a directory, not a credential file") from None
    except OSError as exc:
        raise bad_import(f"cannot read {path}: {exc.strerror}",
                         hint=f"check its permissions (chmod 600 {path})") from None


def parse(name: str, raw: bytes) -> object:
    try:
        return store.parse_json(raw)
    except ValueError as exc:
        what = "is empty" if not raw.strip() else f"is not valid JSON ({exc})"
        raise bad_import(f"{name} {what}", hint="give the credential JSON: provider, access_token, "
                                                "refresh_token, expires_at (ms), scope") from None


def normalize(data: object, name: str, provider: Provider) -> dict:
    """Validate the seed's shape (or the Codex CLI's auth.json shape) for `provider`."""
    try:
        if isinstance(data, dict) and ("tokens" in data or "OPENAI_API_KEY" in data):
            data = codex_cli.to_record(data, name)
            if data is None:
                raise store.CredentialError(f"{name}: the Codex CLI file holds no sign-in")
        if isinstance(data, dict) and "type" not in data and provider.kind != "oauth":
            data = {**data, "type": provider.kind}
        record = store.validate_record(data, name, provider.id)
        if record["type"] == "oauth" or provider.id == st.CODEX_PROVIDER:
            record = st.with_expiry_from_jwt(record, name, require_jwt=provider.id == st.CODEX_PROVIDER)
    except store.CredentialError as exc:
        raise bad_import(exc.message) from None
    return _with_account_claims(record)


def _with_account_claims(record: dict) -> dict:
    from wizard.auth.jwt import account_info

    info = account_info(record.get("id_token"), record.get("access_token"))
    return {**{k: v for k, v in info.items() if v}, **record}


def codex_cli_record(provider: Provider) -> tuple[Path, dict]:
    """The Codex CLI's ChatGPT sign-in, to copy for `provider` (which must be openai-codex)."""
    if provider.id != st.CODEX_PROVIDER:
        raise UsageError(f"--from-codex-cli copies a ChatGPT sign-in, which belongs to {st.CODEX_PROVIDER}, "
                         f"not {provider.id}", hint=f"use --provider {st.CODEX_PROVIDER}")
    path = codex_cli.auth_path()
    try:
        record = codex_cli.load(path)
    except store.CredentialError as exc:
        raise bad_import(exc.message, exc.hint) from None
    if record is None:
        raise WizardError(f"no Codex CLI sign-in at {path}", code="NOT_SIGNED_IN",
                          hint="run `codex login` first (or set CODEX_HOME), or sign in for OpenClaw: "
                               f"{st.login_command(provider.id)}")
    if record.get("type") != "oauth":
        raise UsageError(f"the Codex CLI at {path} is signed in with an API key, not ChatGPT",
                         hint="store the key with `openclaw models auth import --provider openai-api-key --file F`")
    return path, record


@dataclass(frozen=True)
class Imported:
    path: Path
    replaced: bool
    profile: st.ProfileStatus


def store_record(provider: Provider, record: dict) -> Imported:
    """Write the record under the credential lock; its status afterwards."""
    from wizard.auth.refresh import credential_lock

    with credential_lock(provider.id):  # a refresh in flight must not write its older tokens over these
        replaced = paths.credential_path(provider.id).exists()
        path = store.save(record)
    return Imported(path, replaced, st.stored_profile(provider.id, provider.kind, store.now_ms()))
