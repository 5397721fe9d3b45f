"""Build the Context a run works in: paths, the existing config, which secrets already exist."""

from __future__ import annotations

import shutil

from wizard import config as config_store
from wizard import paths
from wizard.steps.base import Context


def load_context() -> Context:
    from wizard.auth import store

    config_path = paths.config_path()
    text, existing = config_store.load(config_path)
    try:
        existing_secrets = set(store.load_secrets())
    except store.CredentialError:
        existing_secrets = set()  # unreadable secrets are re-asked; the file is replaced only on apply
    credential_providers = {p.stem for p in _credential_files()}
    return Context(state_dir=paths.state_dir(), config_path=config_path, existing=existing, existing_text=text,
                   existing_secrets=existing_secrets, credential_providers=credential_providers,
                   which=shutil.which)


def _credential_files():
    try:
        return [p for p in paths.credentials_dir().glob("*.json") if p.name != "secrets.json"]
    except OSError:
        return []
