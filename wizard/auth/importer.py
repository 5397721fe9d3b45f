"""Importing credentials written elsewhere: a companion app's file in the seed's shape, or the
Codex CLI's auth.json. A bad input changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wizard import paths
from wizard.auth import codex_cli, resolve, store
from wizard.auth import status as st
from wizard.auth.providers import Provider
from wizard.errors import UsageError, WizardError
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.auth.store import Record

SHARED_TOKEN_WARNING = M(
    "warning: this copies the Codex CLI's refresh token. Refresh tokens rotate and work once: after the copy, "
    "whichever of OpenClaw and the Codex CLI refreshes first invalidates the other's token, and the other must "
    "sign in again. A separate sign-in avoids this: {command}", command=st.login_command(st.CODEX_PROVIDER))


def bad_import(message: str, hint: str | None = None) -> WizardError:
    return WizardError(message, code="BAD_CREDENTIALS", exit_code=2,
                       hint=M("{hint}; nothing was changed", hint=hint) if hint else M("nothing was changed"))


def read_file(source: str) -> tuple[str, bytes]:
    """(name for messages, bytes) of a credential file to import."""
    path = Path(source).expanduser()
    try:
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise bad_import(M("{path}: no such file", path=path)) from None
    except IsADirectoryError:
        raise bad_import(M("{path} is a directory, not a credential file", path=path)) from None
    except OSError as exc:
        raise bad_import(M("cannot read {path}: {reason}", path=path, reason=exc.strerror),
                         hint=M("check its permissions (chmod 600 {path})", path=path)) from None


def parse(name: str, raw: bytes) -> object:
    try:
        return store.parse_json(raw)
    except ValueError as exc:
        problem = M("{name} is empty", name=name) if not raw.strip() else M(
            "{name} is not valid JSON ({reason})", name=name, reason=exc)
        raise bad_import(problem, hint=M("give the credential JSON: provider, access_token, "
                                         "refresh_token, expires_at (ms), scope")) from None


def normalize(data: object, name: str, provider: Provider) -> Record:
    """Validate the seed's shape (or the Codex CLI's auth.json shape) for `provider`.

    The access token may be opaque (a companion app's `sk-...`): `expires_at` is the expiry when
    present, the JWT's `exp` otherwise."""
    try:
        if isinstance(data, dict) and ("tokens" in data or "OPENAI_API_KEY" in data or "auth_mode" in data):
            data = _from_codex_shape(data, name, provider)
        if isinstance(data, dict) and "type" not in data and provider.kind != "oauth":
            data = {**data, "type": provider.kind}
        record = store.validate_record(data, name, provider.id)
        if record["type"] != "api_key":
            record = st.with_expiry_from_jwt(record, name)
    except store.CredentialError as exc:
        raise bad_import(exc.message) from None
    return _with_account_claims(record)


def _from_codex_shape(data: dict[str, Any], name: str, provider: Provider) -> Record:
    """A Codex CLI auth.json: its ChatGPT tokens (for openai-codex) or its API key (for openai-api-key)."""
    sign_in = codex_cli.from_auth_json(data, name)
    if sign_in.record is None:
        if sign_in.mode:
            raise store.CredentialError(M("{name}: the Codex CLI file holds no sign-in OpenClaw can use ({mode})",
                                          name=name, mode=sign_in.mode))
        raise store.CredentialError(M("{name}: the Codex CLI file holds no sign-in", name=name))
    owner = sign_in.record["provider"]
    if owner != provider.id:
        what = M("an API key") if sign_in.mode == codex_cli.APIKEY else M("a ChatGPT sign-in")
        raise store.CredentialError(M("{name} holds {what}, which belongs to {owner}, not {provider}; "
                                      "use --provider {owner}", name=name, what=what, owner=owner,
                                      provider=provider.id))
    return sign_in.record


def _with_account_claims(record: Record) -> Record:
    from wizard.auth.jwt import account_info

    info = account_info(record.get("id_token"), record.get("access_token"))
    return {**{k: v for k, v in info.items() if v}, **record}


def codex_cli_record(provider: Provider) -> tuple[str, Record]:
    """(where it was read, the record): the Codex CLI's ChatGPT sign-in, to copy for `provider`
    (which must be openai-codex)."""
    if provider.id != st.CODEX_PROVIDER:
        raise UsageError(M("--from-codex-cli copies a ChatGPT sign-in, which belongs to {owner}, not {provider}",
                           owner=st.CODEX_PROVIDER, provider=provider.id),
                         hint=M("use --provider {owner}", owner=st.CODEX_PROVIDER))
    sign_in = codex_cli.read()
    where = codex_cli.describe_store(sign_in)
    if sign_in.error is not None:
        raise bad_import(sign_in.error.message, sign_in.error.hint)
    if sign_in.mode == codex_cli.APIKEY:
        raise UsageError(M("the Codex CLI ({where}) is signed in with an API key, not ChatGPT", where=where),
                         hint=M("OpenClaw already uses it for openai/* models as openai-api-key:codex-cli; "
                                "to keep a copy: openclaw models auth login --provider openai-api-key"))
    if sign_in.record is None:
        raise WizardError(M("no Codex CLI sign-in at {where}", where=where), code="NOT_SIGNED_IN",
                          hint=M("run `codex login` first (or set CODEX_HOME), or sign in for OpenClaw: "
                                 "{command}", command=st.login_command(provider.id)))
    return where, sign_in.record


@dataclass(frozen=True)
class Imported:
    path: Path
    replaced: bool
    profile: st.ProfileStatus


def store_record(provider: Provider, record: Record) -> Imported:
    """Write the record under the credential lock; its status afterwards."""
    from wizard.auth.refresh import credential_lock

    with credential_lock(provider.id):  # a refresh in flight must not write its older tokens over these
        replaced = paths.credential_path(provider.id).exists()
        path = store.save(record)
    return Imported(path, replaced, st.stored_row(resolve.profile_id(provider.id), provider.id, store.now_ms()))
