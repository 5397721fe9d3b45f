"""Credential profiles and their status words, for `models auth status`, `models status`, `models list`.

Standard library only: this is the 60 ms path. A profile is one place a
credential can come from: `<provider>:default` (our OAuth sign-in),
`<provider>:manual` (a pasted API key or token) and `openai-codex:codex-cli`
(the Codex CLI's own auth.json, viewed read-only).
"""

from __future__ import annotations

import os

from wizard import paths
from wizard.auth import codex_cli, store
from wizard.auth.jwt import NotAJwt, account_info, decode_claims, expiry_ms
from wizard.auth.safetext import clean
from wizard.errors import WizardError

OK, EXPIRING, EXPIRED, MISSING, STATIC = "ok", "expiring", "expired", "missing", "static"
EXPIRING_WITHIN_SECONDS = 24 * 3600
CODEX_PROVIDER = "openai-codex"
ALWAYS_SHOWN = (f"{CODEX_PROVIDER}:default", codex_cli.PROFILE)

# How usable each word is: a provider is as good as its best profile.
_USABILITY = {OK: 0, STATIC: 0, EXPIRING: 1, EXPIRED: 2, MISSING: 3}
EXIT_ALL_GOOD, EXIT_EXPIRED_OR_MISSING, EXIT_EXPIRING = 0, 1, 2


class ProfileStatus:
    """One row of `models auth status`. A plain class: @dataclass costs milliseconds at import."""

    __slots__ = ("profile", "provider", "status", "source", "now_ms", "expires_at", "email", "plan", "account_id",
                 "scopes", "fix", "error", "hint", "kind", "refreshable")

    def __init__(self, profile: str, provider: str, status: str, source: str, now_ms: int, *,
                 expires_at: int | None = None, email: str | None = None, plan: str | None = None,
                 account_id: str | None = None, scopes: list[str] | None = None, fix: str | None = None,
                 error: str | None = None, hint: str | None = None, kind: str | None = None,
                 refreshable: bool = False):
        self.profile, self.provider, self.status, self.source, self.now_ms = profile, provider, status, source, now_ms
        self.expires_at, self.email, self.plan, self.account_id = expires_at, email, plan, account_id
        self.scopes = list(scopes or [])
        self.fix, self.error, self.hint = fix, error, hint
        self.kind = kind  # the record's type: oauth | api_key | token
        self.refreshable = refreshable

    def __repr__(self) -> str:
        return f"ProfileStatus({self.profile!r}, {self.status!r})"

    @property
    def expires_in_seconds(self) -> int | None:
        if self.expires_at is None:
            return None
        return (self.expires_at - self.now_ms) // 1000

    @property
    def read_only(self) -> bool:
        return self.profile == codex_cli.PROFILE

    def as_dict(self) -> dict:
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
            "fix": self.fix,
            "error": self.error,
            "hint": self.hint,
        }


def login_command(provider_id: str) -> str:
    """The one spelling of the command that signs a provider in (every hint quotes it)."""
    return f"openclaw models auth login --provider {provider_id}"


def sign_in_again(provider_id: str) -> str:
    return f"sign in again: {login_command(provider_id)}"


def refresh_command(provider_id: str) -> str:
    return f"openclaw models auth refresh --provider {provider_id}"


def profile_name_for(kind: str) -> str:
    """`default` for a sign-in (oauth), `manual` for a pasted API key or token."""
    return "default" if kind == "oauth" else "manual"


def status_word(record: dict, at_ms: int) -> str:
    """ok / expiring / expired / static for a usable record (missing is decided by the caller)."""
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
    if profile.status == MISSING:
        return "-"
    seconds = profile.expires_in_seconds
    if seconds is None:
        return "no expiry"
    if seconds <= 0:
        return f"expired {format_duration(-seconds)} ago"
    return f"expires in {format_duration(seconds)}"


# --------------------------------------------------------------------------- one profile


def with_expiry_from_jwt(record: dict, source: str, require_jwt: bool) -> dict:
    """Fill expires_at from the access token's `exp` when the record has none.

    A ChatGPT sign-in's access token is always a JWT; anything else there is a broken file.
    """
    try:
        expires_at = expiry_ms(record.get("access_token", ""))
    except NotAJwt as exc:
        if require_jwt:
            raise store.CredentialError(f"{source}: field 'access_token' is {exc}",
                                        hint=sign_in_again(record["provider"])) from None
        return record
    if record.get("expires_at") is None and expires_at is not None:
        record = {**record, "expires_at": expires_at}
    return record


def _scopes(record: dict) -> list[str]:
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


def _fix_for(status: str, profile: str, provider_id: str, refreshable: bool) -> str | None:
    if status in (OK, STATIC):
        return None
    if profile == codex_cli.PROFILE:
        return codex_cli.LOGIN_COMMAND
    if status == EXPIRING and refreshable:
        return refresh_command(provider_id)
    return login_command(provider_id)


def describe(profile: str, provider_id: str, record: dict | None, source: str, at_ms: int) -> ProfileStatus:
    """The status row for one profile's record (None: nothing stored)."""
    if record is None:
        return ProfileStatus(profile, provider_id, MISSING, source, at_ms,
                             fix=_fix_for(MISSING, profile, provider_id, False))
    status = status_word(record, at_ms)
    info = account_info(record.get("id_token"), record.get("access_token"))
    refreshable = record.get("type") == "oauth" and bool(record.get("refresh_token")) and profile != codex_cli.PROFILE
    return ProfileStatus(
        profile, provider_id, status, source, at_ms,
        expires_at=None if record.get("type") == "api_key" else record.get("expires_at"),
        email=_shown(record.get("email") or info.get("email")),
        plan=_shown(record.get("plan") or info.get("plan")),
        account_id=_shown(record.get("account_id") or info.get("account_id")),
        scopes=[clean(scope) for scope in _scopes(record)],
        fix=_fix_for(status, profile, provider_id, refreshable),
        kind=record.get("type"),
        refreshable=refreshable,
    )


def _shown(value: str | None) -> str | None:
    """A value from a credential file or a token, as data: without terminal controls."""
    return clean(value) if value else value


def broken(profile: str, provider_id: str, source: str, error: WizardError, at_ms: int) -> ProfileStatus:
    """A file that exists but cannot be used: reported, never deleted."""
    fix = codex_cli.LOGIN_COMMAND if profile == codex_cli.PROFILE else login_command(provider_id)
    return ProfileStatus(profile, provider_id, MISSING, source, at_ms, fix=fix,
                         error=error.message, hint=error.hint)


def stored_profile(provider_id: str, kind: str, at_ms: int) -> ProfileStatus:
    """Our own credential file `<state>/credentials/<provider>.json`."""
    path = paths.credential_path(provider_id)
    profile = f"{provider_id}:{profile_name_for(kind)}"
    try:
        record = store.load(provider_id, path)
        if record is not None and record.get("type") == "oauth":
            record = with_expiry_from_jwt(record, str(path), require_jwt=provider_id == CODEX_PROVIDER)
    except store.CredentialError as exc:
        if exc.hint is None:
            exc.hint = f"fix or move {path}, then sign in again"
        return broken(profile, provider_id, str(path), exc, at_ms)
    if record is not None:
        profile = f"{provider_id}:{profile_name_for(record['type'])}"
    return describe(profile, provider_id, record, str(path), at_ms)


def codex_cli_profile(at_ms: int) -> ProfileStatus:
    """The Codex CLI's auth.json, re-read every time, never written."""
    path = codex_cli.auth_path()
    try:
        record = codex_cli.load(path)
    except store.CredentialError as exc:
        return broken(codex_cli.PROFILE, CODEX_PROVIDER, str(path), exc, at_ms)
    return describe(codex_cli.PROFILE, CODEX_PROVIDER, record, str(path), at_ms)


def unknown_profile(profile: str, reason: str, at_ms: int) -> ProfileStatus:
    provider_id = profile.partition(":")[0]
    return ProfileStatus(profile, provider_id, MISSING, str(paths.config_path()), at_ms,
                         error=reason, hint="fix models.auth_order in the config")


# --------------------------------------------------------------------------- which profiles


def stored_provider_ids() -> list[str]:
    """Providers with a file in the credentials dir (a missing dir is simply none)."""
    try:
        entries = os.listdir(paths.credentials_dir())
    except OSError:
        return []
    secrets_name = paths.secrets_path().name
    return sorted(name[:-5] for name in entries
                  if name.endswith(".json") and not name.startswith(".") and name != secrets_name)


def _provider_kind(provider_id: str, providers: dict) -> str:
    provider = providers.get(provider_id)
    return provider.kind if provider is not None else "oauth"


def wanted_profiles(auth_order: list[str], provider_filter: str | None, providers: dict) -> list[str]:
    """Profile ids in display order: the configured auth order, ours and Codex CLI's, then any stored."""
    wanted: list[str] = []
    for entry in [*auth_order, *ALWAYS_SHOWN]:
        if isinstance(entry, str) and entry not in wanted:
            wanted.append(entry)
    for provider_id in stored_provider_ids():
        profile = f"{provider_id}:{profile_name_for(_provider_kind(provider_id, providers))}"
        if not any(p.partition(":")[0] == provider_id and p != codex_cli.PROFILE for p in wanted):
            wanted.append(profile)
    if provider_filter is not None:
        wanted = [p for p in wanted if p.partition(":")[0] == provider_filter]
        if not wanted:
            wanted.append(f"{provider_filter}:{profile_name_for(_provider_kind(provider_filter, providers))}")
    return wanted


def resolve(profile: str, providers: dict, at_ms: int) -> ProfileStatus:
    provider_id, _, name = profile.partition(":")
    if profile == codex_cli.PROFILE:
        return codex_cli_profile(at_ms)
    if provider_id not in providers and provider_id not in stored_provider_ids():
        return unknown_profile(profile, f"unknown provider {provider_id!r} in models.auth_order", at_ms)
    if name not in ("default", "manual"):
        return unknown_profile(
            profile, f"unknown profile name {name!r} (profiles are <provider>:default, "
                     f"<provider>:manual and {codex_cli.PROFILE})", at_ms)
    return stored_profile(provider_id, _provider_kind(provider_id, providers), at_ms)


def collect(auth_order: list[str] | None = None, provider_filter: str | None = None,
            providers: dict | None = None, at_ms: int | None = None) -> list[ProfileStatus]:
    if providers is None:
        from wizard.auth.providers import all_providers

        providers = all_providers()
    at_ms = store.now_ms() if at_ms is None else at_ms
    rows: list[ProfileStatus] = []
    seen: set[str] = set()
    for profile in wanted_profiles(list(auth_order or []), provider_filter, providers):
        row = resolve(profile, providers, at_ms)
        if row.profile not in seen:
            seen.add(row.profile)
            rows.append(row)
    return rows


# --------------------------------------------------------------------------- verdicts


def best_by_provider(rows: list[ProfileStatus]) -> dict[str, str]:
    """Each provider's most usable status: a working profile carries its provider."""
    best: dict[str, str] = {}
    for row in rows:
        current = best.get(row.provider)
        if current is None or _USABILITY[row.status] < _USABILITY[current]:
            best[row.provider] = row.status
    return best


def relevant_providers(rows: list[ProfileStatus], auth_order: list[str], auth_choice: str | None,
                       provider_filter: str | None) -> set[str]:
    """The providers `--check` judges: the one asked for, else the configured or stored ones.

    The always-shown openai-codex rows do not fail the check of someone who uses only an API key;
    with nothing configured or stored, every row counts (so "nothing at all" is missing).
    """
    if provider_filter is not None:
        return {provider_filter}
    relevant = {entry.partition(":")[0] for entry in auth_order if isinstance(entry, str)}
    if auth_choice:
        relevant.add(auth_choice)
    relevant.update(stored_provider_ids())
    return relevant or {row.provider for row in rows}


def check_exit_code(rows: list[ProfileStatus], relevant: set[str] | None = None) -> int:
    """`--check`: 1 if a provider has nothing better than expired/missing, else 2 if one is expiring."""
    best = best_by_provider(rows)
    verdicts = {status for provider, status in best.items() if relevant is None or provider in relevant}
    if verdicts & {EXPIRED, MISSING}:
        return EXIT_EXPIRED_OR_MISSING
    if EXPIRING in verdicts:
        return EXIT_EXPIRING
    return EXIT_ALL_GOOD
