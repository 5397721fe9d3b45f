"""Providers are data: built-ins ship here, more come from `<state>/providers.toml`.

A table in providers.toml with a built-in id overrides that provider's fields
(this is how tests point openai-codex at an OAuth server on 127.0.0.1); a new
id defines an OIDC provider found by discovery from its issuer.
"""

from __future__ import annotations

import tomllib

from wizard import paths
from wizard.errors import InvalidProvider, UsageError

CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
CODEX_SCOPES = "openid profile email offline_access"
ORIGINATOR = "openclaw"


# A plain class rather than a dataclass: `models auth status` loads this module, and
# importing dataclasses (inspect, ast, dis) costs several milliseconds of its 60 ms budget.
_DEFAULTS: dict = {
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
    "env_var": "",  # where an API key may come from
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
    authorize_params: dict
    redirect_host: str
    redirect_path: str
    redirect_ports: tuple
    device_style: str
    refresh_body: str
    discovery: bool
    invoke_url: str
    env_var: str
    revocable: bool
    builtin: bool

    def __init__(self, id: str, label: str, kind: str, **values):
        unknown = set(values) - set(_DEFAULTS)
        if unknown:
            raise TypeError(f"unknown provider field(s): {', '.join(sorted(unknown))}")
        self.id, self.label, self.kind = id, label, kind
        for name, default in _DEFAULTS.items():
            setattr(self, name, values.get(name, default))

    def replace(self, **values) -> "Provider":
        current = {name: getattr(self, name) for name in _DEFAULTS}
        current.update({k: v for k, v in values.items() if k not in ("label", "kind")})
        return Provider(self.id, values.get("label", self.label), values.get("kind", self.kind), **current)

    def __repr__(self) -> str:
        return f"Provider({self.id!r}, issuer={self.issuer!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Provider) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

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
        label="OpenAI Codex (Sign in with ChatGPT)",
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
    ),
    "openai-api-key": Provider(
        id="openai-api-key", label="OpenAI API key", kind="api_key",
        default_model="openai/gpt-5.2", env_var="OPENAI_API_KEY", revocable=False,
        invoke_url="https://api.openai.com/v1/responses"),
    "anthropic-api-key": Provider(
        id="anthropic-api-key", label="Anthropic API key", kind="api_key",
        default_model="anthropic/claude-sonnet-4-5", env_var="ANTHROPIC_API_KEY", revocable=False),
    "anthropic": Provider(
        id="anthropic", label="Anthropic (pasted setup token)", kind="token",
        default_model="anthropic/claude-sonnet-4-5", revocable=False),
}

_OVERRIDABLE = (set(_DEFAULTS) | {"label", "kind"}) - {"builtin"}


def _load_file() -> dict:
    path = paths.providers_file()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}", hint="fix the file and run the command again") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    table = data.get("providers", {})
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise UsageError(f"{path}: expected [providers.<id>] tables",
                         hint='e.g. [providers.myidp]\\nissuer = "https://id.example.com"\\nclient_id = "..."')
    return table


def _from_table(pid: str, table: dict, base: Provider | None) -> Provider:
    where = f"{paths.providers_file()} [providers.{pid}]"
    unknown = set(table) - _OVERRIDABLE - {"redirect_port", "callback_port"}
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}",
                         hint=f"known keys: {', '.join(sorted(_OVERRIDABLE))}")
    values = dict(table)
    port = values.pop("redirect_port", None) or values.pop("callback_port", None)
    if port is not None:
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise UsageError(f"{where}: redirect_port must be a port number 1-65535")
        values["redirect_ports"] = (port,)
    if "redirect_ports" in values:
        values["redirect_ports"] = tuple(values["redirect_ports"])
    if base is not None:
        return base.replace(**values)
    if not values.get("issuer") or not values.get("client_id"):
        raise UsageError(f"{where}: a custom provider needs issuer and client_id")
    values.setdefault("label", pid)
    values.setdefault("kind", "oauth")
    values.setdefault("scopes", "openid profile email offline_access")
    values.setdefault("discovery", True)
    values.setdefault("redirect_ports", (1455,))
    return Provider(id=pid, builtin=False, **values)


def all_providers() -> dict[str, Provider]:
    providers = dict(BUILTIN)
    for pid, table in _load_file().items():
        providers[pid] = _from_table(pid, table, providers.get(pid))
    return providers


def get(provider_id: str) -> Provider:
    providers = all_providers()
    try:
        return providers[provider_id]
    except KeyError:
        raise InvalidProvider(
            f"unknown provider {provider_id!r}",
            hint=f"known providers: {', '.join(providers)} (add more in {paths.providers_file()})") from None
