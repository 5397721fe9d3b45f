"""Using stored credentials: for a call (refreshed first when due), one model call with the
retry-on-401 policy, an explicit refresh, and signing out (revoke, then delete)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wizard import paths
from wizard.auth import codex_cli, store
from wizard.auth import status as st
from wizard.auth.invoke import Reply
from wizard.auth.providers import Provider
from wizard.errors import UsageError, WizardError


def credentials_for(provider: Provider) -> dict:
    """The stored record, refreshed first when it is about to expire; an env API key as fallback."""
    record = store.load(provider.id)
    if record is None and provider.env_var and os.environ.get(provider.env_var):
        return {"provider": provider.id, "type": "api_key", "access_token": os.environ[provider.env_var]}
    if record is None:
        raise WizardError(f"not signed in to {provider.id}", code="NOT_SIGNED_IN",
                          hint=f"sign in: {st.login_command(provider.id)}")
    if record.get("type") == "oauth" and record.get("refresh_token"):
        from wizard.auth.refresh import ensure_fresh

        record = ensure_fresh(provider.id)
    return record


def invoke(provider: Provider, model: str, prompt: str) -> Reply:
    """One prompt with the stored credentials. A token revoked or expired early gets one forced
    refresh and one retry (what the Codex CLI does)."""
    from wizard.auth.invoke import send

    record = credentials_for(provider)
    try:
        return send(provider, record, model, prompt)
    except WizardError as exc:
        if exc.code != "UNAUTHORIZED" or record.get("type") != "oauth" or not record.get("refresh_token"):
            raise
    from wizard.auth.refresh import refresh

    return send(provider, refresh(provider.id, force=True), model, prompt)


def refresh_now(provider: Provider, profile_name: str) -> st.ProfileStatus:
    """`models auth refresh`: always refresh (explicitly asked), then the profile's new status."""
    from wizard.auth import providers

    profile = f"{provider.id}:{profile_name}"
    if profile == codex_cli.PROFILE:
        raise UsageError(
            f"{codex_cli.PROFILE} belongs to the Codex CLI; OpenClaw never refreshes it "
            "(its refresh token rotates, and two owners invalidate each other)",
            hint="run `codex login` (or just use codex, which refreshes it), or sign in for OpenClaw: "
                 f"{st.login_command(provider.id)}")
    providers.require_oauth(provider, to="refresh")
    if profile_name != "default":
        raise UsageError(f"unknown profile {profile!r}",
                         hint=f"profiles: {provider.id}:default (or {codex_cli.PROFILE}, which is read-only)")
    record = store.load(provider.id)
    if record is None:
        raise WizardError(f"no sign-in stored for {provider.id}", code="NOT_SIGNED_IN",
                          hint=f"sign in: {st.login_command(provider.id)}")
    if not record.get("refresh_token"):
        raise WizardError(f"the stored {provider.id} credentials have no refresh token", code="NOT_REFRESHABLE",
                          hint=st.sign_in_again(provider.id))
    from wizard.auth.refresh import refresh

    refresh(provider.id, force=True)
    return st.stored_profile(provider.id, provider.kind, store.now_ms())


@dataclass(frozen=True)
class Logout:
    """What signing out did: the stored record (if readable), whether the provider revoked it
    (None: not attempted), whether the file was deleted, and whether the Codex CLI's is left alone."""

    path: Path
    record: dict | None
    unreadable: str | None
    revoked: bool | None
    deleted: bool
    codex_cli_untouched: bool


def logout(provider: Provider) -> Logout:
    """Revoke at the provider (best effort), then always delete locally; never touch the Codex CLI's file."""
    path = paths.credential_path(provider.id)
    record, unreadable, revoked, deleted = None, None, None, False
    if path.exists() or path.is_symlink():
        from wizard.auth.refresh import credential_lock

        with credential_lock(provider.id):  # a refresh in flight must not re-create the file once it is gone
            record, unreadable, revoked = _revoke(provider)
            deleted = store.delete(provider.id)
    untouched = provider.id == st.CODEX_PROVIDER and codex_cli.auth_path().exists()
    return Logout(path, record, unreadable, revoked, deleted, untouched)


def _revoke(provider: Provider) -> tuple[dict | None, str | None, bool | None]:
    try:
        record = store.load(provider.id)
    except store.CredentialError as exc:
        return None, exc.message, None
    if record is None or provider.kind != "oauth" or not provider.revocable:
        return record, None, None
    from wizard.auth.oauth import revoke

    tokens = [record.get("refresh_token"), record.get("access_token")]
    results = [revoke(provider, token) for token in tokens if token]
    return record, None, bool(results) and all(results)
