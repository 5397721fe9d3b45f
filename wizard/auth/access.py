"""Using stored credentials: for a call (refreshed first when due), one model call with the
retry-on-401 policy, an explicit refresh, and signing out (revoke, then delete)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard import paths
from wizard.auth import codex_cli, resolve, store
from wizard.auth import status as st
from wizard.auth.invoke import Reply
from wizard.auth.providers import Provider
from wizard.errors import UsageError, WizardError
from wizard.i18n import M

if TYPE_CHECKING:
    from wizard.auth.oauth import Revocation
    from wizard.auth.store import Record


NOTHING_CHANGED = M("nothing was changed")


class CallCredentials:
    """The credential serving a call: its record and the profile row it came from."""

    __slots__ = ("record", "row")

    def __init__(self, record: Record, row: st.ProfileStatus) -> None:
        self.record, self.row = record, row

    @property
    def ours(self) -> bool:
        """Our own stored sign-in, which we may refresh (never the Codex CLI's or the environment's)."""
        return self.row.name == resolve.DEFAULT

    @property
    def refreshable(self) -> bool:
        return self.ours and self.record.get("type") == "oauth" and bool(self.record.get("refresh_token"))


def models_config() -> dict[str, Any]:
    from wizard import config

    models_cfg, _ = config.read_table(paths.config_path(), "models")
    return models_cfg


def credentials_for(provider: Provider, providers: dict[str, Provider] | None = None,
                    models_cfg: dict[str, Any] | None = None) -> CallCredentials:
    """The credential the resolver picks for a call, refreshed first when it is ours and about to expire."""
    from wizard.auth.providers import all_providers

    providers = providers if providers is not None else all_providers()
    models_cfg = models_cfg if models_cfg is not None else models_config()
    resolution = resolve.resolve(provider.id, resolve.auth_order_of(models_cfg, providers), resolve.Reader(providers))
    row = resolution.chosen
    if row is None or row.record is None:
        raise not_usable(provider, resolution)
    call = CallCredentials(row.record, row)
    if call.refreshable:
        from wizard.auth.refresh import ensure_fresh

        call.record = ensure_fresh(provider.id)
    return call


def not_usable(provider: Provider, resolution: resolve.Resolution) -> WizardError:
    """Why no credential can serve `provider`, naming the profile that comes closest and its fix."""
    row = resolution.blocking
    if row is None or row.status == st.MISSING:
        return WizardError(M("not signed in to {provider}: no credential is stored for it", provider=provider.id),
                           code="NOT_SIGNED_IN", hint=sign_in_hint(provider.id))
    reason = row.error or M("{profile} is {status}", profile=row.profile, status=row.status)
    return WizardError(M("no usable credential for {provider}: {reason}", provider=provider.id, reason=reason),
                       code="NOT_SIGNED_IN",
                       hint=row.hint or (M("fix: {fix}", fix=row.fix) if row.fix else st.sign_in_again(provider.id)))


def sign_in_hint(provider_id: str) -> str:
    return M("sign in: {command}", command=st.login_command(provider_id))


def invoke(provider: Provider, model: str, prompt: str, *, providers: dict[str, Provider] | None = None,
           models_cfg: dict[str, Any] | None = None) -> Reply:
    """One prompt with the credential the resolver picks. Our own sign-in, revoked or expired early,
    gets one forced refresh and one retry (what the Codex CLI does); the Codex CLI's is never refreshed."""
    from wizard.auth.invoke import send

    call = credentials_for(provider, providers, models_cfg)
    try:
        return send(provider, call.record, model, prompt)
    except WizardError as exc:
        if exc.code != "UNAUTHORIZED":
            raise
        if not call.refreshable:
            raise rejected(provider, call, exc) from None
    from wizard.auth.refresh import refresh

    return send(provider, refresh(provider.id, force=True), model, prompt)


def rejected(provider: Provider, call: CallCredentials, exc: WizardError) -> WizardError:
    """A 401 for a credential we cannot refresh: the fix depends on who owns it."""
    if call.row.name == resolve.CODEX_CLI:
        exc.hint = M("the Codex CLI's sign-in ({profile}) was rejected; run `{codex_login}`, "
                     "or sign in for OpenClaw: {command}", profile=call.row.profile, codex_login=st.CODEX_LOGIN,
                     command=st.login_command(provider.id))
    elif call.row.name == resolve.ENV:
        exc.hint = M("check the key in {env_var}", env_var=call.row.source.removeprefix("env:"))
    return exc


def refresh_now(provider: Provider, profile_name: str) -> st.ProfileStatus:
    """`models auth refresh`: always refresh (explicitly asked), then the profile's new status."""
    from wizard.auth import providers

    profile_name = resolve.NAME_ALIASES.get(profile_name, profile_name)
    profile = resolve.profile_id(provider.id, profile_name)
    if profile_name == resolve.CODEX_CLI:
        raise UsageError(
            M("{profile} belongs to the Codex CLI; OpenClaw never refreshes it "
              "(its refresh token rotates, and two owners invalidate each other)", profile=profile),
            hint=M("run `codex login` (or just use codex, which refreshes it), or sign in for OpenClaw: "
                   "{command}", command=st.login_command(provider.id)))
    providers.require_oauth(provider, to="refresh")
    if profile_name != resolve.DEFAULT:
        raise UsageError(M("unknown profile {profile!r}", profile=profile),
                         hint=M("profiles: {provider}:default (or {provider}:codex-cli, which is read-only)",
                                provider=provider.id))
    record = store.load(provider.id)
    if record is None:
        raise WizardError(M("no sign-in stored for {provider}", provider=provider.id), code="NOT_SIGNED_IN",
                          hint=sign_in_hint(provider.id))
    if not record.get("refresh_token"):
        raise WizardError(M("the stored {provider} credentials have no refresh token", provider=provider.id),
                          code="NOT_REFRESHABLE", hint=st.sign_in_again(provider.id))
    from wizard.auth.refresh import refresh

    refresh(provider.id, force=True)
    return st.stored_row(profile, provider.id, store.now_ms())


def store_key(provider: Provider, key: str) -> st.ProfileStatus:
    """`models auth login` for an API key or a pasted token: checked, stored under the credential lock,
    never over a sign-in (sign out first)."""
    from wizard.auth import providers
    from wizard.auth.refresh import credential_lock

    problem = providers.key_problem(provider, key)
    if problem:
        raise UsageError(M("not stored: the {label} {problem}", label=provider.label, problem=problem),
                         hint=NOTHING_CHANGED)
    with credential_lock(provider.id):
        try:
            existing = store.load(provider.id)
        except store.CredentialError:
            existing = None  # an unusable file: replacing it is what the user asks for
        if existing is not None and existing.get("type") == "oauth":
            logout = f"openclaw models auth logout --provider {provider.id}"
            raise UsageError(M("{provider} has a sign-in stored, which a key would replace", provider=provider.id),
                             hint=M("sign out first: {command}", command=logout))
        store.save({"provider": provider.id, "type": provider.kind, "access_token": key})
    return st.stored_row(resolve.profile_id(provider.id), provider.id, store.now_ms())


@dataclass(frozen=True)
class Logout:
    """What signing out did: the stored record (if readable), what happened to each token at the provider
    (None: nothing was sent), whether the file was deleted, and whether the Codex CLI's is left alone."""

    path: Path
    record: dict[str, Any] | None
    unreadable: str | None
    revocations: list[Revocation] | None
    deleted: bool
    codex_cli_untouched: bool

    @property
    def revoked(self) -> bool | None:
        """Whether the sign-in is ended at the provider (its refresh token revoked); None if not attempted."""
        from wizard.auth.oauth import sign_in_revoked

        return None if self.revocations is None else sign_in_revoked(self.revocations)


def logout(provider: Provider) -> Logout:
    """Revoke at the provider (best effort, token by token), then always delete locally; never touch
    the Codex CLI's file."""
    path = paths.credential_path(provider.id)
    record, unreadable, revocations, deleted = None, None, None, False
    if path.exists() or path.is_symlink():
        from wizard.auth.refresh import credential_lock

        # A refresh in flight must not re-create the file once it is gone; the lock file goes too.
        with credential_lock(provider.id, remove=True):
            record, unreadable, revocations = _revoke(provider)
            deleted = store.delete(provider.id)
    untouched = provider.id == st.CODEX_PROVIDER and codex_cli.auth_path().exists()
    return Logout(path, record, unreadable, revocations, deleted, untouched)


def _revoke(provider: Provider) -> tuple[dict[str, Any] | None, str | None, list[Revocation] | None]:
    try:
        record = store.load(provider.id)
    except store.CredentialError as exc:
        return None, exc.message, None
    if record is None or provider.kind != "oauth" or not provider.revocable:
        return record, None, None
    from wizard.auth.oauth import revoke_tokens

    return record, None, revoke_tokens(provider, record)
