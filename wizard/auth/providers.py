"""Providers are data: built-ins ship here, more come from `<state>/providers.toml`.

A table in providers.toml with a built-in id overrides that provider's fields
(this is how tests point openai-codex at an OAuth server on 127.0.0.1); a new
id defines an OIDC provider found by discovery from its issuer.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field

from wizard import paths
from wizard.errors import InvalidProvider, UsageError

CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
CODEX_SCOPES = "openid profile email offline_access"
ORIGINATOR = "openclaw"


@dataclass(frozen=True)
class Provider:
    id: str
    label: str
    kind: str  # "oauth" (sign-in), "api_key" (a pasted key), "token" (a pasted token)
    default_model: str = ""
    issuer: str = ""
    client_id: str = ""
    scopes: str = ""
    authorize_path: str = "/oauth/authorize"
    token_path: str = "/oauth/token"
    revoke_path: str = "/oauth/revoke"
    authorize_params: dict = field(default_factory=dict)
    redirect_host: str = "127.0.0.1"
    redirect_path: str = "/auth/callback"
    redirect_ports: tuple[int, ...] = (1455, 1457)
    # "openai": OpenAI's deviceauth endpoints; "rfc8628": discovery's device_authorization_endpoint.
    device_style: str = ""
    refresh_body: str = "form"  # openai-codex sends JSON
    discovery: bool = False
    invoke_url: str = ""
    env_var: str = ""  # where an API key may come from
    revocable: bool = True
    builtin: bool = True

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

_OVERRIDABLE = {f.name for f in dataclasses.fields(Provider)} - {"id", "builtin"}


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
        return dataclasses.replace(base, **values)
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
