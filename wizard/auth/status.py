"""Credential profiles as status rows: the words, the phrases and the fixes every `models` command shows.

Standard library only: this is the 60 ms path. Which profiles exist and which one serves a call is
wizard.auth.resolve; this module reads one profile's source and describes it.

Status words: ok, expiring (under 24 h), expired, missing (nothing stored), invalid (something is
stored but cannot be used: unreadable, not JSON, wrong types, a keychain that cannot be reached),
static (no expiry: an API key, a token without expires_at).
"""

from __future__ import annotations

import os

from wizard import paths
from wizard.auth import store
from wizard.auth.jwt import NotAJwt, account_info, decode_claims, exp_to_ms
from wizard.auth.safetext import clean
from wizard.errors import WizardError
from wizard.i18n import M, Msg

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.auth.codex_cli import CodexSignIn

OK, EXPIRING, EXPIRED, MISSING, INVALID, STATIC = "ok", "expiring", "expired", "missing", "invalid", "static"
WORDS = (OK, EXPIRING, EXPIRED, MISSING, INVALID, STATIC)
USABLE = (OK, STATIC, EXPIRING)
EXPIRING_WITHIN_SECONDS = 24 * 3600
CODEX_PROVIDER = "openai-codex"
EXIT_ALL_GOOD, EXIT_EXPIRED_OR_MISSING, EXIT_EXPIRING = 0, 1, 2
CODEX_LOGIN = "codex login"


class ProfileStatus:
    """One row of `models auth status`. A plain class: @dataclass costs milliseconds at import.

    `record` is the credential itself, for the caller that uses it (invoke); never shown or serialized."""

    __slots__ = ("profile", "provider", "status", "source", "now_ms", "expires_at", "email", "plan", "account_id",
                 "scopes", "fix", "error", "hint", "kind", "refreshable", "read_only", "revoked", "note", "record")

    def __init__(self, profile: str, provider: str, status: str, source: str, now_ms: int, *,
                 expires_at: int | None = None, email: str | None = None, plan: str | None = None,
                 account_id: str | None = None, scopes: list[str] | None = None, fix: str | None = None,
                 error: str | None = None, hint: str | None = None, kind: str | None = None,
                 refreshable: bool = False, read_only: bool = False, revoked: bool = False,
                 note: str | None = None, record: dict[str, Any] | None = None) -> None:
        self.profile, self.provider, self.status, self.source, self.now_ms = profile, provider, status, source, now_ms
        self.expires_at, self.email, self.plan, self.account_id = expires_at, email, plan, account_id
        self.scopes = list(scopes or [])
        self.fix, self.error, self.hint = fix, error, hint
        self.kind = kind  # the record's type: oauth | api_key | token
        self.refreshable, self.read_only, self.revoked = refreshable, read_only, revoked
        self.note = note
        self.record = record

    def __repr__(self) -> str:
        return f"ProfileStatus({self.profile!r}, {self.status!r})"

    @property
    def name(self) -> str:
        return self.profile.partition(":")[2]

    @property
    def usable(self) -> bool:
        """It can serve a call now, or will after the refresh the call makes first."""
        return self.status in USABLE or self.refreshes_on_use

    @property
    def refreshes_on_use(self) -> bool:
        return self.status == EXPIRED and self.refreshable

    @property
    def expires_in_seconds(self) -> int | None:
        if self.expires_at is None:
            return None
        return (self.expires_at - self.now_ms) // 1000

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape (docs/json-schema.md). Never a token."""
        return {
            "profile": self.profile,
            "provider": self.provider,
            "status": self.status,
            "type": self.kind,
            "expires_at": self.expires_at,
            "expires_in_seconds": self.expires_in_seconds,
            "email": self.email,
            "plan": self.plan,
            "account_id": self.account_id,
            "scopes": list(self.scopes),
            "source": self.source,
            "read_only": self.read_only,
            "refreshable": self.refreshable,
            "refreshes_on_use": self.refreshes_on_use,
            "revoked": self.revoked,
            "fix": self.fix,
            "error": self.error,
            "hint": self.hint,
            "note": self.note,
        }


# --------------------------------------------------------------------------- words and phrases


def login_command(provider_id: str) -> str:
    """The one spelling of the command that signs a provider in (every hint quotes it)."""
    return f"openclaw models auth login --provider {provider_id}"


def sign_in_again(provider_id: str) -> Msg:
    return M("sign in again: {command}", command=login_command(provider_id))


def refresh_command(provider_id: str) -> str:
    return f"openclaw models auth refresh --provider {provider_id}"


def status_word(record: dict[str, Any], at_ms: int) -> str:
    """ok / expiring / expired / static for a usable record (missing and invalid are decided by the caller)."""
    if record.get("type") == "api_key":
        return STATIC
    expires_at = record.get("expires_at")
    if expires_at is None:
        return STATIC
    if expires_at <= at_ms:
        return EXPIRED
    if expires_at - at_ms < EXPIRING_WITHIN_SECONDS * 1000:
        return EXPIRING
    return OK


def format_duration(seconds: int) -> str:
    """The two largest units, as users read them: `9d 4h`, `3h 12m`, `59m`, `0m`."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def expiry_phrase(profile: ProfileStatus) -> str:
    """When the profile's credential ends, for people (a message: `expires in 10d`, `期限まで 10d`)."""
    if profile.status in (MISSING, INVALID):
        return "-"
    if profile.revoked:
        return M("revoked")
    seconds = profile.expires_in_seconds
    if seconds is None:
        return M("no expiry")
    if seconds <= 0:
        if profile.refreshes_on_use:
            return M("expired {duration} ago, refreshes on next use", duration=format_duration(-seconds))
        return M("expired {duration} ago", duration=format_duration(-seconds))
    return M("expires in {duration}", duration=format_duration(seconds))


# --------------------------------------------------------------------------- records


def with_expiry_from_jwt(record: dict[str, Any], source: str) -> dict[str, Any]:
    """Fill expires_at from the access token's `exp` when the record has none.

    An opaque access token (a companion app's `sk-...`) is fine: then `expires_at` alone says when it
    ends. A JWT whose `exp` is not a date is a broken file."""
    try:
        claims = decode_claims(record.get("access_token", ""))
    except NotAJwt:
        return record
    try:
        expires_at = exp_to_ms(claims.get("exp"))
    except NotAJwt as exc:
        raise store.CredentialError(M("{source}: field 'access_token' is {problem}", source=source,
                                      problem=exc.args[0]), hint=sign_in_again(record["provider"])) from None
    if record.get("expires_at") is None and expires_at is not None:
        record = {**record, "expires_at": expires_at}
    return record


def _scopes(record: dict[str, Any]) -> list[str]:
    scope = record.get("scope")
    if isinstance(scope, str):
        return scope.split()
    try:
        claims = decode_claims(record.get("access_token", ""))
    except NotAJwt:
        return []
    scp = claims.get("scp") or claims.get("scope")
    if isinstance(scp, str):
        return scp.split()
    return [s for s in scp if isinstance(s, str)] if isinstance(scp, list) else []


def _revocation_text(revoked: dict[str, Any]) -> str:
    reason = revoked.get("error") or "rejected"
    if revoked.get("description"):
        reason = f"{reason}: {revoked['description']}"
    return M("the provider rejected the refresh token ({reason}): this sign-in was revoked", reason=reason)


def describe(profile: str, provider_id: str, record: dict[str, Any] | None, source: str, at_ms: int, *,
             read_only: bool = False, owner_fix: str | None = None) -> ProfileStatus:
    """The status row for one profile's record (None: nothing stored).

    `owner_fix`: the command that renews a credential someone else owns (`codex login`)."""
    if record is None:
        return ProfileStatus(profile, provider_id, MISSING, source, at_ms, read_only=read_only,
                             fix=owner_fix or login_command(provider_id))
    status = status_word(record, at_ms)
    revoked = isinstance(record.get("revoked"), dict)
    refreshable = (record.get("type") == "oauth" and bool(record.get("refresh_token")) and not read_only
                   and not revoked)
    info = account_info(record.get("id_token"), record.get("access_token"))
    error = fix = None
    if revoked:
        status, error, fix = EXPIRED, _revocation_text(record["revoked"]), login_command(provider_id)
    elif status in (EXPIRING, EXPIRED):
        fix = owner_fix or (refresh_command(provider_id) if refreshable else login_command(provider_id))
    return ProfileStatus(
        profile, provider_id, status, source, at_ms,
        expires_at=None if record.get("type") == "api_key" else record.get("expires_at"),
        email=_shown(record.get("email") or info.get("email")),
        plan=_shown(record.get("plan") or info.get("plan")),
        account_id=_shown(record.get("account_id") or info.get("account_id")),
        scopes=[clean(scope) for scope in _scopes(record)], fix=fix, error=error, kind=record.get("type"),
        refreshable=refreshable, read_only=read_only, revoked=revoked, record=record,
    )


def _shown(value: str | None) -> str | None:
    """A value from a credential file or a token, as data: without terminal controls."""
    return clean(value) if value else value


def broken(profile: str, provider_id: str, source: str, error: WizardError, at_ms: int, *,
           read_only: bool = False, fix: str | None = None) -> ProfileStatus:
    """Something stored that cannot be used: reported as `invalid`, never deleted."""
    return ProfileStatus(profile, provider_id, INVALID, source, at_ms, fix=fix or login_command(provider_id),
                         error=error.message, hint=error.hint, read_only=read_only)


# --------------------------------------------------------------------------- one row per source


def stored_row(profile: str, provider_id: str, at_ms: int) -> ProfileStatus:
    """Our own credential file `<state>/credentials/<provider>.json`."""
    path = paths.credential_path_str(provider_id)
    try:
        record = store.load(provider_id, path)
        if record is not None and record.get("type") != "api_key":
            record = with_expiry_from_jwt(record, path)
    except store.CredentialError as exc:
        if exc.hint is None:
            exc.hint = M("fix or move {path}, then sign in again", path=path)
        return broken(profile, provider_id, path, exc, at_ms)
    return describe(profile, provider_id, record, path, at_ms)


FROM_ENVIRONMENT = M("from environment")


def env_row(profile: str, provider_id: str, env_var: str, kind: str, at_ms: int) -> ProfileStatus:
    """A key held in the environment (OPENAI_API_KEY ...): static while it is set."""
    source = f"env:{env_var}"
    value = os.environ.get(env_var, "").strip()
    if not value:
        return ProfileStatus(profile, provider_id, MISSING, source, at_ms, note=FROM_ENVIRONMENT,
                             fix=M("set {env_var}, or store the key: {command}", env_var=env_var,
                                   command=login_command(provider_id)))
    record = {"provider": provider_id, "type": kind, "access_token": value}
    return ProfileStatus(profile, provider_id, STATIC, source, at_ms, kind=kind, read_only=True,
                         note=FROM_ENVIRONMENT, record=record)


def codex_cli_row(profile: str, provider_id: str, wanted_mode: str, sign_in: CodexSignIn,
                  at_ms: int) -> ProfileStatus:
    """The Codex CLI's sign-in as seen by one provider: its ChatGPT tokens (openai-codex) or its API key
    (openai-api-key)."""
    if sign_in.error is not None and wanted_mode != "chatgpt" and sign_in.mode is None:
        # One reading, one report: what is wrong with the Codex CLI's storage is told once, on its
        # ChatGPT row (always listed); here nothing can be read, so nothing is held.
        row = describe(profile, provider_id, None, sign_in.source, at_ms, read_only=True, owner_fix=CODEX_LOGIN)
        row.note = M("the Codex CLI's sign-in cannot be read: see openai-codex:codex-cli")
        return row
    if sign_in.error is not None:
        fix = login_command(provider_id) if sign_in.unreachable else CODEX_LOGIN
        return broken(profile, provider_id, sign_in.source, sign_in.error, at_ms, read_only=True, fix=fix)
    if sign_in.mode != wanted_mode:
        row = describe(profile, provider_id, None, sign_in.source, at_ms, read_only=True, owner_fix=CODEX_LOGIN)
        row.note = _other_mode_note(sign_in.mode, sign_in.store)
        return row
    return describe(profile, provider_id, sign_in.record, sign_in.source, at_ms, read_only=True,
                    owner_fix=CODEX_LOGIN)


def _other_mode_note(mode: str | None, where: str) -> str | None:
    if mode == "apikey":
        return M("the Codex CLI is signed in with an API key, not ChatGPT: see openai-api-key:codex-cli")
    if mode == "chatgpt":
        return M("the Codex CLI is signed in with ChatGPT, not an API key: see openai-codex:codex-cli")
    if mode is not None:
        return M("the Codex CLI is signed in with {mode}, which OpenClaw cannot use", mode=mode)
    if where == "ephemeral":
        return M('the Codex CLI keeps its sign-in in memory only (cli_auth_credentials_store = "ephemeral")')
    return None


def unknown_row(profile: str, reason: str, at_ms: int) -> ProfileStatus:
    provider_id = profile.partition(":")[0]
    return ProfileStatus(profile, provider_id, INVALID, paths.config_path_str(), at_ms,
                         error=reason, hint=M("fix models.auth_order in the config"))


def stored_provider_ids() -> list[str]:
    """Providers with a file in the credentials dir (a missing dir is simply none)."""
    try:
        entries = os.listdir(paths.credentials_dir_str())
    except OSError:
        return []
    return sorted(name[:-5] for name in entries
                  if name.endswith(".json") and not name.startswith(".") and name != paths.SECRETS_FILE_NAME)
