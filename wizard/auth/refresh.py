"""Refreshing stored OAuth tokens, safely across processes.

Refresh tokens rotate and are single-use: two processes refreshing the same
token at once would leave one of them signed out. So a refresh takes
`<state>/credentials/<provider>.lock`, re-reads the file, refreshes only if the
record still needs it, and writes the rotated token before anyone uses it.
Every other writer of a credential file (sign-in, import, logout) takes the same lock,
so a refresh in flight can neither overwrite a fresh sign-in nor re-create a
file that logout deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from wizard import paths
from wizard.auth import providers, store
from wizard.auth.status import login_command, sign_in_again
from wizard.errors import StorageError, WizardError
from wizard.fsutil import ensure_private_dir
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.auth.oauth import OAuthError
    from wizard.auth.store import Record

DEFAULT_SKEW_SECONDS = 300
LOCK_TIMEOUT_SECONDS = 60.0
PERMANENT_ERRORS = ("invalid_grant", "refresh_token_reused", "refresh_token_expired", "refresh_token_invalidated")


def refresh(provider_id: str, *, force: bool = False) -> Record:
    """Refresh under the lock if still needed (or always with force); return the stored record."""
    return _refresh_locked(provider_id, force=force, skew_seconds=DEFAULT_SKEW_SECONDS)


def ensure_fresh(provider_id: str, *, skew_seconds: int = DEFAULT_SKEW_SECONDS) -> Record:
    """The stored record, refreshed first if it expires within `skew_seconds`."""
    record = _load(provider_id)
    if not needs_refresh(record, skew_seconds):
        return record
    return _refresh_locked(provider_id, force=False, skew_seconds=skew_seconds)


def needs_refresh(record: Record, skew_seconds: float) -> bool:
    expires_at = record.get("expires_at")
    return expires_at is not None and expires_at - store.now_ms() <= skew_seconds * 1000


def _refresh_locked(provider_id: str, *, force: bool, skew_seconds: float) -> Record:
    provider = providers.require_oauth(providers.get(provider_id), to="refresh")
    from wizard.auth import oauth

    oauth.require_tls(provider)  # before the lock or any request: a refresh token never goes out in cleartext
    with credential_lock(provider_id):
        record = _load(provider_id)  # another process may have refreshed while we waited
        if not force and not needs_refresh(record, skew_seconds):
            return record
        if isinstance(record.get("revoked"), dict):  # the provider already said no: asking again cannot help
            raise WizardError(M("the {provider} sign-in was revoked (the provider rejected its refresh token); "
                                "{sign_in_again}", provider=provider_id, sign_in_again=sign_in_again(provider_id)),
                              code="REFRESH_REJECTED")
        if not record.get("refresh_token"):
            if not force and record["expires_at"] > store.now_ms():
                return record  # still valid for now, and nothing to refresh it with
            raise WizardError(M("the credentials for {provider} cannot be refreshed (no refresh token); "
                                "{sign_in_again}", provider=provider_id, sign_in_again=sign_in_again(provider_id)),
                              code="REFRESH_IMPOSSIBLE")
        return _rotate(provider, record)


def _rotate(provider: providers.Provider, record: Record) -> Record:
    from wizard.auth import oauth
    from wizard.auth.signals import deferred

    # Once the request is sent the provider may have spent the old refresh token: a signal
    # waits until the new one is on disk.
    with deferred(M("the refreshed tokens")):
        try:
            tokens = oauth.refresh_tokens(provider, record["refresh_token"])
        except oauth.OAuthError as exc:
            if not _is_permanent(exc):
                raise
            reason = f"{exc.error}: {exc.description}" if exc.description else exc.error
            mark_revoked(record, exc.error, exc.description)
            raise WizardError(M("the provider no longer accepts the stored refresh token for {provider} "
                                "({reason}); {sign_in_again}", provider=provider.id, reason=reason,
                                sign_in_again=sign_in_again(provider.id)), code="REFRESH_REJECTED") from None
        updated = oauth.credential_record(provider.id, tokens, previous=record)
        store.save(updated)
    return updated


def mark_revoked(record: Record, error: str, description: str) -> None:
    """Write into the stored record that its refresh token is dead, so status says so (the caller holds the lock).

    Only the marker is added: the tokens stay as they were, and a new sign-in or import replaces the record."""
    marker = {"at": store.now_ms(), "error": error or "invalid_grant"}
    if description:
        marker["description"] = "".join(c for c in " ".join(description.split()) if c.isprintable())[:300]
    try:
        store.save({**record, "revoked": marker})
    except StorageError:
        pass  # a read-only state dir: the refresh error itself still tells the user


def _is_permanent(exc: OAuthError) -> bool:
    words = f"{exc.error} {exc.description}"
    return exc.error in PERMANENT_ERRORS or any(code in words for code in PERMANENT_ERRORS[1:])


def _load(provider_id: str) -> Record:
    record = store.load(provider_id)
    if record is None:
        raise WizardError(M("no credentials stored for {provider}", provider=provider_id),
                          hint=M("sign in: {command}", command=login_command(provider_id)), code="NOT_SIGNED_IN")
    return record


@contextmanager
def credential_lock(provider_id: str, *, remove: bool = False) -> Iterator[None]:
    """Hold `<state>/credentials/<provider>.lock`, across processes, while a credential file changes.

    With remove (logout), the lock file is deleted before the lock is let go: a process waiting on it
    then finds its lock on a deleted file and takes a new one (filelock checks), so none is left over."""
    from filelock import FileLock, Timeout

    ensure_private_dir(paths.state_dir())
    ensure_private_dir(paths.credentials_dir())
    path = store.lock_path(provider_id)
    lock = FileLock(str(path), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise WizardError(M("another openclaw process has been changing the {provider} credentials for over "
                            "{seconds:g} s", provider=provider_id, seconds=LOCK_TIMEOUT_SECONDS), code="LOCKED",
                          hint=M("try again; if no other openclaw is running, delete {path}", path=path)) from None
    except OSError as exc:
        raise StorageError(M("cannot lock {path}: {reason}", path=path, reason=exc.strerror or exc),
                           hint=M("the credentials dir must be writable to change credentials; "
                                  "set OPENCLAW_STATE_DIR to a writable directory")) from None
    try:
        yield
        if remove:
            try:
                path.unlink()
            except OSError:
                pass  # already gone, or a read-only dir: the lock file is empty and harmless
    finally:
        lock.release()
