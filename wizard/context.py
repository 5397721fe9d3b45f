"""Build the Context a run works in: paths, the existing config, which secrets already exist."""

from __future__ import annotations

import os
import shutil
import sys

from wizard import config as config_store
from wizard import paths
from wizard.steps.base import Context


def load_context(*, interactive: bool = False) -> Context:
    from wizard.auth import store

    config_path = paths.config_path()
    loaded = config_store.read(config_path)
    existing_secrets: set[str] = set()
    secrets_problem = None
    try:
        existing_secrets = set(store.load_secrets())
    except store.CredentialError as exc:
        secrets_problem = exc  # raised by plan.check_writable only if this run stores a secret
    return Context(state_dir=paths.state_dir(), config_path=config_path, existing=loaded.data,
                   existing_text=loaded.text, existing_secrets=existing_secrets,
                   stored_credentials=_stored_credentials(), which=shutil.which, environ=dict(os.environ),
                   secrets_problem=secrets_problem, interactive=interactive,
                   browser_blocked=_browser_blocked(), config_problem=loaded.problem)


def _browser_blocked() -> str | None:
    from wizard.auth.browser import why_no_browser

    return why_no_browser(dict(os.environ), sys.platform)


def _stored_credentials() -> dict[str, str]:
    """provider -> what is stored for it (see Context.stored_credentials)."""
    from wizard.auth import store

    try:
        files = [p for p in paths.credentials_dir().glob("*.json") if p.name != "secrets.json"]
    except OSError:
        return {}
    stored = {}
    for path in files:
        try:
            record = store.load(path.stem, path)
        except store.CredentialError:
            stored[path.stem] = "unusable"
            continue
        if record is None:
            continue
        kind = record["type"]
        expires_at = record.get("expires_at")
        if (kind == "oauth" and not record.get("refresh_token") and expires_at is not None
                and expires_at < store.now_ms()):
            kind = "oauth-expired"
        stored[path.stem] = kind
    return stored
