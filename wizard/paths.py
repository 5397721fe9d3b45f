"""Where OpenClaw keeps its state: `~/.openclaw` unless OPENCLAW_STATE_DIR says otherwise.

Each place comes as a Path (`state_dir()`) and as text (`state_dir_str()`), the same path spelled
as str(Path) spells it. The read-only commands that must start fast (`models auth status`) use the
text: importing pathlib (with urllib.parse, ipaddress, fnmatch and re) costs about half of a bare
interpreter's start.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from pathlib import Path


# --------------------------------------------------------------------------- text, as pathlib spells it


def spelled(text: str) -> str:
    """`text` as str(Path(text)) spells it: no empty or `.` parts, no trailing slash ("" is ".")."""
    if os.name != "posix":
        from pathlib import Path

        return str(Path(text))
    root = "//" if text.startswith("//") and not text.startswith("///") else "/" if text.startswith("/") else ""
    return root + "/".join(part for part in text.split("/") if part and part != ".") or "."


def expanded(text: str) -> str:
    """str(Path(text).expanduser()): a leading `~` or `~user` part replaced by that home directory."""
    text = spelled(text)
    if not text.startswith("~"):
        return text
    first, _, rest = text.partition("/")
    home = os.path.expanduser(first)
    if home.startswith("~"):
        raise RuntimeError("Could not determine home directory.")  # pathlib's words
    return join(spelled(home), rest) if rest else spelled(home)


def join(base: str, name: str) -> str:
    """str(Path(base) / name)."""
    if name.startswith("/"):
        return spelled(name)
    return spelled(base + name if base.endswith("/") else f"{base}/{name}")


def parent(path: str) -> str:
    """str(Path(path).parent) for a spelled path."""
    return os.path.dirname(path) or "."


def home_str() -> str:
    """str(Path.home())."""
    return expanded("~")


def state_dir_str() -> str:
    override = os.environ.get("OPENCLAW_STATE_DIR")
    return expanded(override) if override else join(home_str(), ".openclaw")


def config_path_str() -> str:
    override = os.environ.get("OPENCLAW_CONFIG_PATH")
    return expanded(override) if override else join(state_dir_str(), "openclaw.toml")


def credentials_dir_str() -> str:
    return join(state_dir_str(), "credentials")


def credential_path_str(provider: str) -> str:
    return join(credentials_dir_str(), f"{provider}.json")


SECRETS_FILE_NAME = "secrets.json"


def secrets_path_str() -> str:
    return join(credentials_dir_str(), SECRETS_FILE_NAME)


def providers_file_str() -> str:
    return join(state_dir_str(), "providers.toml")


def codex_home_str() -> str:
    override = os.environ.get("CODEX_HOME")
    return expanded(override) if override else join(home_str(), ".codex")


# --------------------------------------------------------------------------- the same places as Paths


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def state_dir() -> Path:
    return _path(state_dir_str())


def config_path() -> Path:
    return _path(config_path_str())


def credentials_dir() -> Path:
    return _path(credentials_dir_str())


def credential_path(provider: str) -> Path:
    return _path(credential_path_str(provider))


def secrets_path() -> Path:
    return _path(secrets_path_str())


def providers_file() -> Path:
    return _path(providers_file_str())


def codex_home() -> Path:
    return _path(codex_home_str())
