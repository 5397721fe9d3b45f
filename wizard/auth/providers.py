"""Providers are data: built-ins ship here, more come from `<state>/providers.toml`.

A table in providers.toml with a built-in id overrides that provider's fields
(this is how tests point openai-codex at an OAuth server on 127.0.0.1); a new
id defines an OIDC provider found by discovery from its issuer.
"""

from __future__ import annotations

from wizard import paths
from wizard.errors import InvalidProvider, UsageError
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
CODEX_SCOPES = "openid profile email offline_access"
ORIGINATOR = "openclaw"


# A plain class rather than a dataclass: `models auth status` loads this module, and
# importing dataclasses (inspect, ast, dis) costs several milliseconds of its 60 ms budget.
_DEFAULTS: dict[str, object] = {
    "default_model": "",
    "issuer": "",
    "client_id": "",
    "scopes": "",
    "authorize_path": "/oauth/authorize",
    "token_path": "/oauth/token",
    "revoke_path": "/oauth/revoke",
    "authorize_params": {},
    "redirect_host": "127.0.0.1",
    "redirect_path": "/auth/callback",
    "redirect_ports": (1455, 1457),
    # "openai": OpenAI's deviceauth endpoints; "rfc8628": discovery's device_authorization_endpoint.
    "device_style": "",
    "refresh_body": "form",  # openai-codex sends JSON
    "discovery": False,
    "invoke_url": "",
    # GET: the sign-in's usage windows (the ChatGPT backend's wham/usage); "" when the provider has none.
    "usage_url": "",
    "env_var": "",  # where an API key may come from
    "key_prefix": "",  # how the provider's API keys start (checked when a key is stored)
    # Which of the Codex CLI's sign-ins serves this provider: "chatgpt" (its ChatGPT tokens) or "apikey".
    "codex_cli_mode": "",
    "revocable": True,
    "builtin": True,
}


class Provider:
    """One provider's data: id, label, kind ("oauth" sign-in, "api_key", "token") and its endpoints."""

    id: str
    label: str
    kind: str
    default_model: str
    issuer: str
    client_id: str
    scopes: str
    authorize_path: str
    token_path: str
    revoke_path: str
    authorize_params: dict[str, str]
    redirect_host: str
    redirect_path: str
    redirect_ports: tuple[int, ...]
    device_style: str
    refresh_body: str
    discovery: bool
    invoke_url: str
    usage_url: str
    env_var: str
    key_prefix: str
    codex_cli_mode: str
    revocable: bool
    builtin: bool

    def __init__(self, id: str, label: str, kind: str, **values: Any) -> None:
        unknown = set(values) - set(_DEFAULTS)
        if unknown:
            raise TypeError(f"unknown provider field(s): {', '.join(sorted(unknown))}")
        self.id, self.label, self.kind = id, label, kind
        for name, default in _DEFAULTS.items():
            setattr(self, name, values.get(name, default))

    def replace(self, **values: Any) -> Provider:
        current = {name: getattr(self, name) for name in _DEFAULTS}
        current.update({k: v for k, v in values.items() if k not in ("label", "kind")})
        return Provider(self.id, values.get("label", self.label), values.get("kind", self.kind), **current)

    def __repr__(self) -> str:
        return f"Provider({self.id!r}, issuer={self.issuer!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Provider) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # equal by value and mutable, so unhashable (as a dataclass)

    def endpoint(self, path: str) -> str:
        return self.issuer.rstrip("/") + path

    @property
    def authorize_endpoint(self) -> str:
        return self.endpoint(self.authorize_path)

    @property
    def token_endpoint(self) -> str:
        return self.endpoint(self.token_path)

    @property
    def revoke_endpoint(self) -> str:
        return self.endpoint(self.revoke_path) if self.revoke_path else ""

    def redirect_uri(self, port: int) -> str:
        return f"http://{self.redirect_host}:{port}{self.redirect_path}"


BUILTIN = {
    "openai-codex": Provider(
        id="openai-codex",
        label=M("OpenAI Codex (Sign in with ChatGPT)"),
        kind="oauth",
        default_model="openai-codex/gpt-5.2",
        issuer="https://auth.openai.com",
        client_id=CODEX_CLIENT_ID,
        scopes=CODEX_SCOPES,
        authorize_params={
            "id_token_add_organizations": "true",
            "codex_cli_simplified_flow": "true",
            "originator": ORIGINATOR,
        },
        device_style="openai",
        refresh_body="json",
        invoke_url="https://chatgpt.com/backend-api/codex/responses",
        usage_url="https://chatgpt.com/backend-api/wham/usage",
        codex_cli_mode="chatgpt",
    ),
    "openai-api-key": Provider(
        id="openai-api-key", label=M("OpenAI API key"), kind="api_key",
        default_model="openai/gpt-5.2", env_var="OPENAI_API_KEY", revocable=False, key_prefix="sk-",
        invoke_url="https://api.openai.com/v1/responses", codex_cli_mode="apikey"),
    "anthropic-api-key": Provider(
        id="anthropic-api-key", label=M("Anthropic API key"), kind="api_key",
        default_model="anthropic/claude-sonnet-4-5", env_var="ANTHROPIC_API_KEY", revocable=False,
        key_prefix="sk-ant-"),
    "anthropic": Provider(
        id="anthropic", label=M("Anthropic (pasted setup token)"), kind="token",
        default_model="anthropic/claude-sonnet-4-5", revocable=False),
}

# Other spellings `--provider` accepts. `openai` is how model ids name the family (`openai/gpt-5.2`, the
# config's `models.default`); the provider that holds its credential is `openai-api-key`. Output always
# uses the provider id.
ALIASES = {"openai": "openai-api-key"}

_OVERRIDABLE = (set(_DEFAULTS) | {"label", "kind"}) - {"builtin"}
KINDS = ("oauth", "api_key", "token")
# Fields whose value is one of a few words; any string is fine for the others.
_CHOICES = {"kind": KINDS, "refresh_body": ("form", "json"), "device_style": ("", "openai", "rfc8628"),
            "codex_cli_mode": ("", "chatgpt", "apikey")}
_EXAMPLE = '[providers.myidp]\nissuer = "https://id.example.com"\nclient_id = "..."'


def _load_file() -> dict[str, dict[str, Any]]:
    from wizard import fsutil
    from wizard.errors import StorageError

    path = paths.providers_file_str()
    fix = M("fix the file and run the command again")
    try:
        read = fsutil.read_regular_file(path)
        if read is None:
            return {}
        fsutil.check_dir_for_reading(paths.parent(path))  # it says where tokens go: only from a dir others cannot write
        import tomllib  # only with a file to read: most have none

        data = tomllib.loads(read.data.decode("utf-8"))
    except fsutil.FileRefused as exc:
        raise UsageError(exc.reason, hint=fix) from None
    except StorageError as exc:
        raise UsageError(M("refusing to read {path}: {problem}", path=path, problem=exc.message),
                         hint=exc.hint) from None
    except UnicodeDecodeError:
        raise UsageError(M("{path} is not valid TOML: it is not UTF-8 text", path=path), hint=fix) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise UsageError(M("{path} is not valid TOML: {reason}", path=path, reason=exc), hint=fix) from None
    except RecursionError:
        raise UsageError(M("{path} is not valid TOML: it is nested too deeply", path=path), hint=fix) from None
    except OSError as exc:
        raise UsageError(M("cannot read {path}: {reason}", path=path, reason=exc.strerror or exc)) from None
    table = data.get("providers", {})
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise UsageError(M("{path}: expected [providers.<id>] tables", path=path), hint=_for_example())
    return table


def _for_example() -> str:
    return M("for example:\n{example}", example=_EXAMPLE)


def _toml_type(value: object) -> str:
    for kind, word in ((bool, M("a boolean")), (str, M("a string")), (int, M("an integer")), (float, M("a float")),
                       (list, M("an array")), (dict, M("a table"))):
        if isinstance(value, kind):
            return word
    return M("a date or time")


def _is_port(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def _checked(where: str, key: str, value: object) -> object:
    """`value` as the provider field `key` holds it, or a UsageError naming the file, table and key."""
    expected = str if key in ("label", "kind") else type(_DEFAULTS[key])
    if expected is tuple:
        if not isinstance(value, list) or not value or not all(_is_port(port) for port in value):
            got = _toml_type(value) if not isinstance(value, list) else (
                M("an empty array") if not value else M("{value!r} in it",
                                                        value=next(p for p in value if not _is_port(p))))
            raise UsageError(M("{where}: {key} must be an array of port numbers 1-65535 (e.g. {key} = [1455]), "
                               "got {got}", where=where, key=key, got=got))
        return tuple(value)
    if expected is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise UsageError(M("{where}: {key} must be a table of strings (e.g. {key} = {{ prompt = \"login\" }}), "
                               "got {got}", where=where, key=key, got=_toml_type(value)))
        return dict(value)
    if not isinstance(value, expected):
        raise UsageError(M("{where}: {key} must be {expected}, got {got}", where=where, key=key,
                           expected=M("true or false") if expected is bool else M("a string"),
                           got=_toml_type(value)))
    if key in _CHOICES and value not in _CHOICES[key]:
        raise UsageError(M("{where}: {key} must be one of: {choices}", where=where, key=key,
                           choices=", ".join(repr(c) for c in _CHOICES[key])))
    return value


def _from_table(pid: str, table: dict[str, Any], base: Provider | None) -> Provider:
    where = f"{paths.providers_file_str()} [providers.{pid}]"
    unknown = set(table) - _OVERRIDABLE - {"redirect_port", "callback_port"}
    if unknown:
        raise UsageError(M("{where}: unknown key(s) {keys}", where=where, keys=", ".join(sorted(unknown))),
                         hint=M("known keys: {keys}", keys=", ".join(sorted(_OVERRIDABLE | {"redirect_port"}))))
    values = dict(table)
    aliases = [key for key in ("redirect_ports", "redirect_port", "callback_port") if key in values]
    if len(aliases) > 1:
        raise UsageError(M("{where}: {keys} are the same setting; keep one", where=where, keys=" and ".join(aliases)))
    for alias in ("redirect_port", "callback_port"):
        if alias not in values:
            continue
        port = values.pop(alias)
        if not _is_port(port):
            shown = f" {port}" if isinstance(port, int) and not isinstance(port, bool) else ""
            raise UsageError(M("{where}: {key} must be a port number 1-65535, got {got}{value}", where=where, key=alias,
                               got=_toml_type(port), value=shown))
        values["redirect_ports"] = [port]
    values = {key: _checked(where, key, value) for key, value in values.items()}
    if base is not None:
        return base.replace(**values)
    if not values.get("issuer") or not values.get("client_id"):
        raise UsageError(M("{where}: a custom provider needs issuer and client_id", where=where), hint=_for_example())
    values.setdefault("label", pid)
    values.setdefault("kind", "oauth")
    values.setdefault("scopes", "openid profile email offline_access")
    if "offline_access" in values["scopes"].split():
        # OIDC Core §11: offline access (a refresh token) is asked for with prompt=consent; a
        # conforming provider drops offline_access without it and issues no refresh token.
        values.setdefault("authorize_params", {"prompt": "consent"})
    values.setdefault("discovery", True)
    values.setdefault("redirect_ports", (1455,))
    return Provider(id=pid, builtin=False, **values)


def all_providers() -> dict[str, Provider]:
    providers = dict(BUILTIN)
    for pid, table in _load_file().items():
        providers[pid] = _from_table(pid, table, providers.get(pid))
    return providers


def canonical_id(provider_id: str, known: dict[str, Provider]) -> str:
    """The provider id for an id or an alias (`openai` -> `openai-api-key`); unknown ids come back as given.

    A providers.toml table may define an id that is also an alias: then the table wins."""
    if provider_id in known:
        return provider_id
    return ALIASES.get(provider_id, provider_id)


def get(provider_id: str, known: dict[str, Provider] | None = None) -> Provider:
    """The provider with this id or alias (from `known`, else all_providers()); INVALID_PROVIDER listing the ids."""
    providers = all_providers() if known is None else known
    try:
        return providers[canonical_id(provider_id, providers)]
    except KeyError:
        aliases = ", ".join(f"{alias} = {target}" for alias, target in ALIASES.items() if target in providers)
        also = M(" (also: {aliases})", aliases=aliases) if aliases else ""
        raise InvalidProvider(
            M("unknown provider {provider!r}", provider=provider_id),
            hint=M("known providers: {providers}{also} (add more in {path})", providers=", ".join(providers),
                   also=also, path=paths.providers_file_str())) from None


def require_oauth(provider: Provider, *, to: str = "sign in") -> Provider:
    """`provider`, which must be an OAuth sign-in: an API key or a pasted token has nothing `to` sign in or refresh."""
    if provider.kind != "oauth":
        what = M("an API key") if provider.kind == "api_key" else M("a pasted token")
        if to == "refresh":
            message = M("{provider} uses {what}, not a sign-in: there is nothing to refresh", provider=provider.id,
                        what=what)
        else:
            message = M("{provider} uses {what}, not a sign-in: there is nothing to sign in", provider=provider.id,
                        what=what)
        raise UsageError(message, hint=M("store it with `openclaw models auth login --provider {provider}` "
                                         "(the key on stdin) or `openclaw models auth import --provider {provider}`",
                                         provider=provider.id))
    return provider


def key_problem(provider: Provider | None, text: str) -> str | None:
    """Why `text` cannot be this provider's API key or token (None when it can): one token, the right prefix."""
    if not text or any(c.isspace() for c in text):
        return M("must be a single token without spaces or line breaks")
    if provider is not None and provider.key_prefix and not text.startswith(provider.key_prefix):
        return M("an {label} starts with {prefix}", label=provider.label, prefix=provider.key_prefix)
    return None
