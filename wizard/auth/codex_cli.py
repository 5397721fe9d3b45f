"""A read-only view of the Codex CLI's sign-in, stored where the Codex CLI keeps it.

Where: `cli_auth_credentials_store` in `$CODEX_HOME/config.toml` (default `~/.codex`) says
"file" (the default: `$CODEX_HOME/auth.json`), "keyring" (the OS keychain, service "Codex Auth",
account "cli|" + the first 16 hex digits of SHA-256 of the canonical CODEX_HOME), "auto" (the
keychain, else the file) or "ephemeral" (nothing kept). The keychain entry holds the same JSON as
auth.json, compact.

What: auth.json's `auth_mode` is "chatgpt" (a ChatGPT sign-in: `tokens.{id_token, access_token,
refresh_token, account_id}`, `last_refresh`) or "apikey" (`OPENAI_API_KEY`); files without it are
API-key mode when `OPENAI_API_KEY` is a string, ChatGPT otherwise (the Codex CLI's own rule).

We never refresh or write any of it: the Codex CLI owns its rotating refresh token, and a second
owner would invalidate it. Standard library only, except `keyring`, imported only when the Codex
CLI's config says its sign-in is in the keychain.
"""

from __future__ import annotations

import os
import time

from wizard import paths
from wizard.auth.jwt import NotAJwt, account_info, expiry_ms
from wizard.auth.store import CredentialError, parse_json
from wizard.fsutil import FileRefused, read_regular_file
from wizard.i18n import M

# Paths are text here, and pathlib loads only for the keychain: `models auth status` reads this
# module on every run (TYPE_CHECKING is typing's constant, without importing typing).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

LOGIN_COMMAND = "codex login"
KEYRING_SERVICE = "Codex Auth"
KEYRING_TIMEOUT_SECONDS = 5.0
CHATGPT, APIKEY = "chatgpt", "apikey"
STORES = ("file", "keyring", "auto", "ephemeral")
_MODE_WORDS = {"chatgpt": CHATGPT, "chatgptauthtokens": CHATGPT, "apikey": APIKEY, "api_key": APIKEY}
_TOKEN_FIELDS = ("id_token", "access_token", "refresh_token", "account_id")
_MAX_FILE_BYTES = 1 << 20  # auth.json is a few KB; a huge file is not the Codex CLI's
_CONFIG_KEYS = (b"cli_auth_credentials_store", b"secret_auth_storage")
_REREAD_AFTER_SECONDS = 0.05


class CodexSignIn:
    """What the Codex CLI has stored, as our records.

    `mode`: "chatgpt", "apikey", another of the Codex CLI's modes we cannot use, or None (nothing
    stored). `record`: the sign-in in our credential shape (provider openai-codex, type oauth) or the
    API key (provider openai-api-key, type api_key). `error`: why what is stored cannot be read or
    used (the profile is then `invalid`). `source`: the file or keychain entry read."""

    __slots__ = ("mode", "record", "source", "store", "error", "unreachable")

    def __init__(self, source: str, store: str = "file", *, mode: str | None = None,
                 record: dict[str, Any] | None = None, error: CredentialError | None = None,
                 unreachable: bool = False) -> None:
        self.mode, self.record, self.source, self.store, self.error = mode, record, source, store, error
        # Kept where this process cannot read it (a keychain out of reach, Codex's encrypted file):
        # `codex login` would only store it there again.
        self.unreachable = unreachable

    def __repr__(self) -> str:
        return f"CodexSignIn(mode={self.mode!r}, source={self.source!r}, error={self.error!r})"


def home() -> Path:
    return paths.codex_home()


def auth_path() -> Path:
    return home() / "auth.json"


def keyring_account(codex_home: str | Path) -> str:
    """The keychain account the Codex CLI files its sign-in under (its `compute_store_key`)."""
    import hashlib
    from pathlib import Path

    codex_home = Path(codex_home)
    try:
        canonical = str(codex_home.resolve(strict=True))
    except OSError:
        canonical = str(codex_home)
    return "cli|" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


def keyring_source(codex_home: str | Path) -> str:
    return f"keyring:{KEYRING_SERVICE}/{keyring_account(codex_home)}"


# --------------------------------------------------------------------------- where it is kept


def configured_store(codex_home: str | Path) -> tuple[str, bool, str | None]:
    """(store, secret_auth_storage, problem) from `$CODEX_HOME/config.toml`; ("file", False, None) without one.

    The file is parsed only when it mentions one of the two settings: most have neither."""
    path = paths.join(os.fspath(codex_home), "config.toml")
    try:
        raw = _read_capped(path)
    except FileNotFoundError:
        return "file", False, None
    except FileRefused as exc:
        return "file", False, exc.reason
    if not any(key in raw for key in _CONFIG_KEYS):
        return "file", False, None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        return "file", False, M("{path} is not valid TOML ({reason})", path=path, reason=exc)
    store = data.get("cli_auth_credentials_store", "file")
    features = data.get("features")
    secrets_file = isinstance(features, dict) and features.get("secret_auth_storage") is True
    if store not in STORES:
        return "file", secrets_file, M("{path}: cli_auth_credentials_store = {store!r} is not one of {stores}",
                                       path=path, store=store, stores=", ".join(STORES))
    return store, secrets_file, None


def read(codex_home: str | Path | None = None) -> CodexSignIn:
    """The Codex CLI's sign-in, read where its config says it is; never raises for what is stored."""
    codex_home = paths.codex_home_str() if codex_home is None else os.fspath(codex_home)
    store, secrets_file, problem = configured_store(codex_home)
    file = paths.join(codex_home, "auth.json")
    if store == "ephemeral":
        return CodexSignIn(file, store)
    if store in ("keyring", "auto"):
        found = _from_keyring(codex_home, store, secrets_file)
        if found is not None:
            return found
    sign_in = read_file(file)
    if problem and sign_in.error is None and sign_in.mode is None:
        sign_in.error = CredentialError(problem, hint=M("fix it, then run `{command}`", command=LOGIN_COMMAND))
    return sign_in


def read_file(path: str | Path) -> CodexSignIn:
    try:
        raw = _read_capped(path)
    except FileNotFoundError:
        return CodexSignIn(str(path))
    except FileRefused as exc:
        hint = (M("give yourself read access (chmod 600 {path}) or run `{command}`", path=path, command=LOGIN_COMMAND)
                if exc.permission else M("move it aside and run `{command}`", command=LOGIN_COMMAND))
        return _broken(str(path), exc.reason, hint)
    sign_in = parse(raw, str(path))
    if sign_in.error is not None and not raw.rstrip().endswith(b"}"):
        # Codex CLI versions before the atomic write truncated auth.json and rewrote it in place:
        # a half-written file is worth one more look.
        time.sleep(_REREAD_AFTER_SECONDS)
        try:
            return parse(_read_capped(path), str(path))
        except (OSError, FileRefused):
            return sign_in
    return sign_in


def parse(raw: bytes | str, source: str, store: str = "file") -> CodexSignIn:
    """auth.json's text (or the keychain's) as a CodexSignIn."""
    try:
        data = parse_json(raw)
    except ValueError as exc:
        problem = M("{path} is empty", path=source) if not raw.strip() else M(
            "{path} is not valid JSON ({reason})", path=source, reason=exc)
        return _broken(source, problem, M("run `{command}` to rewrite it", command=LOGIN_COMMAND), store)
    try:
        return from_auth_json(data, source, store)
    except CredentialError as exc:
        return CodexSignIn(source, store, error=exc)


def _read_capped(path: str | Path) -> bytes:
    """A regular file of at most 1 MiB, read without following a FIFO or a device (never changed: the
    Codex CLI's file, not ours); FileNotFoundError when there is none, FileRefused for anything else."""
    read = read_regular_file(path, limit=_MAX_FILE_BYTES)
    if read is None:
        raise FileNotFoundError(path)
    return read.data


def _broken(source: str, message: str, hint: str, store: str = "file") -> CodexSignIn:
    return CodexSignIn(source, store, error=CredentialError(message, hint=hint))


def _unreachable(source: str, message: str, hint: str, store: str) -> CodexSignIn:
    return CodexSignIn(source, store, error=CredentialError(message, hint=hint), unreachable=True)


# --------------------------------------------------------------------------- the shape


def from_auth_json(data: object, source: str, store: str = "file") -> CodexSignIn:
    """auth.json's object as a CodexSignIn; CredentialError naming the field for a broken one."""
    fix = _rewrite(source)
    if not isinstance(data, dict):
        raise CredentialError(M("{source}: expected a JSON object, got {type}", source=source,
                                type=type(data).__name__), hint=fix)
    api_key = data.get("OPENAI_API_KEY")
    if api_key is not None and not isinstance(api_key, str):
        raise CredentialError(M("{source}: field 'OPENAI_API_KEY' must be a string or null", source=source), hint=fix)
    auth_mode = data.get("auth_mode")
    if auth_mode is not None and not isinstance(auth_mode, str):
        raise CredentialError(M("{source}: field 'auth_mode' must be a string", source=source), hint=fix)
    if auth_mode is None:
        mode = APIKEY if isinstance(api_key, str) else CHATGPT
    else:
        mode = _MODE_WORDS.get(auth_mode.lower(), auth_mode)
    if mode == APIKEY:
        if not api_key:
            raise CredentialError(M("{source}: auth_mode is {mode!r} but field 'OPENAI_API_KEY' is empty",
                                    source=source, mode=auth_mode), hint=fix)
        record = {"provider": "openai-api-key", "type": "api_key", "access_token": api_key}
        return CodexSignIn(source, store, mode=APIKEY, record=record)
    if mode != CHATGPT:
        return CodexSignIn(source, store, mode=mode)  # personal access token, Bedrock...: not ours to use
    tokens = data.get("tokens")
    if tokens is None:
        return CodexSignIn(source, store)
    return CodexSignIn(source, store, mode=CHATGPT, record=chatgpt_record(data, tokens, source))


def _rewrite(source: str) -> str:
    return M("run `{command}` to rewrite {source}", command=LOGIN_COMMAND, source=source)


def chatgpt_record(data: dict[str, Any], tokens: object, source: str) -> dict[str, Any]:
    """The ChatGPT sign-in in our shape: provider openai-codex, type oauth, expires_at from the token's `exp`."""
    fix = _rewrite(source)
    if not isinstance(tokens, dict):
        raise CredentialError(M("{source}: field 'tokens' must be an object, got {type}", source=source,
                                type=type(tokens).__name__), hint=fix)
    for key in _TOKEN_FIELDS:
        value = tokens.get(key)
        if value is not None and not isinstance(value, str):
            field = "tokens." + key
            raise CredentialError(M("{source}: field '{field}' must be a string, got {type}", source=source,
                                    field=field, type=type(value).__name__), hint=fix)
    access_token = tokens.get("access_token")
    if not access_token:
        raise CredentialError(M("{source}: field 'tokens.access_token' is missing", source=source), hint=fix)
    try:
        expires_at = expiry_ms(access_token)
    except NotAJwt as exc:
        raise CredentialError(M("{source}: field 'tokens.access_token' is {problem}", source=source,
                                problem=exc.args[0]), hint=fix) from None
    record = {
        "provider": "openai-codex",
        "type": "oauth",
        "access_token": access_token,
        "refresh_token": tokens.get("refresh_token") or None,
        "id_token": tokens.get("id_token"),
        "expires_at": expires_at,
    }
    last_refresh = data.get("last_refresh")
    if isinstance(last_refresh, str):
        record["last_refresh"] = last_refresh
    info = account_info(tokens.get("id_token"), access_token)
    record.update({key: value for key, value in info.items() if value})
    if tokens.get("account_id"):
        record["account_id"] = tokens["account_id"]
    return {key: value for key, value in record.items() if value is not None}


# --------------------------------------------------------------------------- the OS keychain


class KeyringUnavailable(Exception):
    """No keyring backend here, or it failed or did not answer: the message says which."""


def _from_keyring(codex_home: str | Path, store: str, secrets_file: bool) -> CodexSignIn | None:
    """The keychain's sign-in; None when the file should be read instead ("auto" without one)."""
    from pathlib import Path

    codex_home = Path(codex_home)
    source = keyring_source(codex_home)
    setting = M('cli_auth_credentials_store = "{store}" in {path}', store=store, path=codex_home / "config.toml")
    alternatives = M("run openclaw where the keychain is reachable (your desktop session), or set "
                     'cli_auth_credentials_store = "file" and run `{command}`, or sign in for OpenClaw: '
                     "openclaw models auth login --provider openai-codex", command=LOGIN_COMMAND)
    if secrets_file:
        if store == "auto" and (codex_home / "auth.json").exists():
            return None
        secrets = codex_home / "secrets" / "codex_auth.age"
        return _unreachable(str(secrets), M("the Codex CLI keeps its sign-in encrypted in {path} ([features] "
                                            "secret_auth_storage), which OpenClaw cannot read", path=secrets),
                            alternatives, store)
    try:
        secret = keyring_secret(codex_home)
    except KeyringUnavailable as exc:
        if store == "auto":
            return None  # as the Codex CLI does: the file is the fallback
        return _unreachable(source, M("the Codex CLI keeps its sign-in in the OS keychain "
                                      "({setting}), which is not reachable here: {reason}", setting=setting,
                                      reason=exc.args[0]), alternatives, store)
    if secret is None:
        return None if store == "auto" else CodexSignIn(source, store)
    return parse(secret, source, store)


def keyring_secret(codex_home: str | Path) -> str | None:
    """The keychain entry's text (None when there is none); KeyringUnavailable when it cannot be asked.

    A keychain can block (locked, waiting for a prompt): the read gets KEYRING_TIMEOUT_SECONDS."""
    import threading

    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise KeyringUnavailable(M("the keyring library is not installed (pip install keyring)")) from None
    account = keyring_account(codex_home)
    result: dict[str, object] = {}

    def ask() -> None:
        try:
            result["value"] = keyring.get_password(KEYRING_SERVICE, account)
        except Exception as exc:  # any backend's failure (D-Bus, locked, no backend) is data for the user
            result["error"] = exc

    worker = threading.Thread(target=ask, name="codex-keyring", daemon=True)
    worker.start()
    worker.join(KEYRING_TIMEOUT_SECONDS)
    if worker.is_alive():
        raise KeyringUnavailable(M("the keychain did not answer within {seconds:g} s "
                                   "(is it locked, waiting for a password?)", seconds=KEYRING_TIMEOUT_SECONDS))
    error = result.get("error")
    if isinstance(error, keyring.errors.NoKeyringError):
        raise KeyringUnavailable(M("no keyring backend is available (the keyring library found no Secret Service, "
                                   "Keychain or other store; PYTHON_KEYRING_BACKEND chooses one)"))
    if error is not None:
        raise KeyringUnavailable(M("the keyring backend failed: {type}: {reason}", type=type(error).__name__,
                                   reason=_one_line(error)))
    value = result.get("value")
    return value if isinstance(value, str) else None


def _one_line(exc: object, limit: int = 300) -> str:
    """An exception's text as one printable line (a backend's text is data, not terminal commands)."""
    text = " ".join(str(exc).split())
    text = "".join(c for c in text if c.isprintable())
    return (text[:limit] + "…") if len(text) > limit else text or M("no details")


def describe_store(sign_in: CodexSignIn) -> str:
    """Where the Codex CLI keeps this sign-in, for people."""
    if sign_in.source.startswith("keyring:"):
        return M("the OS keychain ({entry})", entry=sign_in.source.removeprefix("keyring:"))
    return sign_in.source

