"""Where OpenClaw keeps its state: `~/.openclaw` unless OPENCLAW_STATE_DIR says otherwise."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    override = os.environ.get("OPENCLAW_STATE_DIR")
    return Path(override).expanduser() if override else Path.home() / ".openclaw"


def config_path() -> Path:
    override = os.environ.get("OPENCLAW_CONFIG_PATH")
    return Path(override).expanduser() if override else state_dir() / "openclaw.toml"


def credentials_dir() -> Path:
    return state_dir() / "credentials"


def credential_path(provider: str) -> Path:
    return credentials_dir() / f"{provider}.json"


def secrets_path() -> Path:
    return credentials_dir() / "secrets.json"


def providers_file() -> Path:
    return state_dir() / "providers.toml"


def codex_home() -> Path:
    override = os.environ.get("CODEX_HOME")
    return Path(override).expanduser() if override else Path.home() / ".codex"
