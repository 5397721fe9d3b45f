"""Which credential serves a call: the one resolver behind status, list, `--check`, invoke and the
auth order onboarding writes.

Profile ids are `<provider>:<name>`, and a name says where the credential lives:

- `default`: our credential store, `<state>/credentials/<provider>.json` (a sign-in, a key or a token);
- `env`: the provider's environment variable (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`), read-only;
- `codex-cli`: the Codex CLI's sign-in, read-only: its ChatGPT tokens serve `openai-codex`, its API key
  serves `openai-api-key`.

A provider's candidates are the profiles its config `models.auth_order` names, in that order, then
its other profiles (default, env, codex-cli). The first that can serve a call wins: valid now, or
expired with a refresh token we own (the call refreshes it first). Standard library only.
"""

from __future__ import annotations

from wizard.auth import status as st
from wizard.auth.providers import ALIASES, Provider
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.auth.codex_cli import CodexSignIn

DEFAULT, ENV, CODEX_CLI = "default", "env", "codex-cli"
NAMES = (DEFAULT, ENV, CODEX_CLI)
# Names earlier versions wrote: `manual` was a pasted key or token, now simply the stored one.
NAME_ALIASES = {"manual": DEFAULT}
# Always listed by status: the ChatGPT sign-ins users ask about first (seed 004).
ALWAYS_SHOWN = (f"{st.CODEX_PROVIDER}:{DEFAULT}", f"{st.CODEX_PROVIDER}:{CODEX_CLI}")
# How well a provider is served when nothing can serve it: the word that best says why.
_VERDICT_ORDER = (st.OK, st.STATIC, st.EXPIRING, st.EXPIRED, st.INVALID, st.MISSING)


def profile_id(provider_id: str, name: str = DEFAULT) -> str:
    return f"{provider_id}:{name}"


def names_for(provider: Provider) -> list[str]:
    """The profile names a provider has, in the order they are tried when auth_order names none."""
    names = [DEFAULT]
    if provider.env_var:
        names.append(ENV)
    if provider.codex_cli_mode:
        names.append(CODEX_CLI)
    return names


def default_auth_order(provider_id: str, providers: dict[str, Provider]) -> list[str]:
    """What onboarding writes to models.auth_order for a provider: ours first, then the Codex CLI's
    ChatGPT sign-in where there is one (a key in the environment or in Codex is tried anyway)."""
    provider = providers[provider_id]
    order = [profile_id(provider_id)]
    if provider.codex_cli_mode == "chatgpt":
        order.append(profile_id(provider_id, CODEX_CLI))
    return order


def canonical(entry: str, providers: dict[str, Provider]) -> str:
    """An auth_order entry in its one spelling (`openai:manual` -> `openai-api-key:default`)."""
    provider_id, _, name = entry.partition(":")
    if provider_id not in providers:
        provider_id = ALIASES.get(provider_id, provider_id)
    return profile_id(provider_id, NAME_ALIASES.get(name, name))


# --------------------------------------------------------------------------- reading profiles


class Reader:
    """Reads each profile once per command (the Codex CLI's storage may be a keychain: ask it once)."""

    def __init__(self, providers: dict[str, Provider], at_ms: int | None = None) -> None:
        from wizard.auth import store

        self.providers = providers
        self.at_ms = store.now_ms() if at_ms is None else at_ms
        self._rows: dict[str, st.ProfileStatus] = {}
        self._codex: CodexSignIn | None = None

    def codex_sign_in(self) -> CodexSignIn:
        if self._codex is None:
            from wizard.auth import codex_cli

            self._codex = codex_cli.read()
        return self._codex

    def row(self, profile: str) -> st.ProfileStatus:
        if profile not in self._rows:
            self._rows[profile] = self._read(profile)
        return self._rows[profile]

    def _read(self, profile: str) -> st.ProfileStatus:
        provider_id, _, name = profile.partition(":")
        provider = self.providers.get(provider_id)
        if provider is None:
            if provider_id in st.stored_provider_ids() and name == DEFAULT:
                return st.stored_row(profile, provider_id, self.at_ms)
            return st.unknown_row(profile, M("unknown provider {provider!r} in models.auth_order",
                                             provider=provider_id), self.at_ms)
        if name not in names_for(provider):
            known = ", ".join(profile_id(provider_id, n) for n in names_for(provider))
            return st.unknown_row(profile, M("unknown profile name {name!r} (profiles of {provider}: {known})",
                                             name=name, provider=provider_id, known=known), self.at_ms)
        if name == ENV:
            return st.env_row(profile, provider_id, provider.env_var, provider.kind, self.at_ms)
        if name == CODEX_CLI:
            return st.codex_cli_row(profile, provider_id, provider.codex_cli_mode, self.codex_sign_in(), self.at_ms)
        return st.stored_row(profile, provider_id, self.at_ms)


# --------------------------------------------------------------------------- resolving


class Resolution:
    """One provider's candidates (rows, in the order tried) and the one that serves its calls (or None)."""

    __slots__ = ("provider", "rows", "chosen")

    def __init__(self, provider: str, rows: list[st.ProfileStatus]) -> None:
        self.provider = provider
        self.rows = rows
        self.chosen = next((row for row in rows if row.usable), None)

    @property
    def verdict(self) -> str:
        """The chosen profile's word; when none can serve, the word that best says why."""
        if self.chosen is not None:
            return self.chosen.status
        words = [row.status for row in self.rows] or [st.MISSING]
        return min(words, key=_VERDICT_ORDER.index)

    @property
    def blocking(self) -> st.ProfileStatus | None:
        """The row whose fix to show when nothing can serve: the first with that word."""
        if self.chosen is not None:
            return None
        return next((row for row in self.rows if row.status == self.verdict), None)


def candidates(provider_id: str, auth_order: list[str], providers: dict[str, Provider]) -> list[str]:
    ordered = [entry for entry in auth_order if entry.partition(":")[0] == provider_id]
    provider = providers.get(provider_id)
    for name in names_for(provider) if provider is not None else [DEFAULT]:
        entry = profile_id(provider_id, name)
        if entry not in ordered:
            ordered.append(entry)
    return ordered


def resolve(provider_id: str, auth_order: list[str], reader: Reader) -> Resolution:
    names = candidates(provider_id, auth_order, reader.providers)
    return Resolution(provider_id, [reader.row(profile) for profile in names])


# --------------------------------------------------------------------------- a command's whole view


def auth_order_of(models_cfg: dict[str, Any], providers: dict[str, Provider]) -> list[str]:
    order = models_cfg.get("auth_order")
    entries = [entry for entry in order if isinstance(entry, str)] if isinstance(order, list) else []
    result: list[str] = []
    for entry in entries:
        spelled = canonical(entry, providers)
        if spelled not in result:
            result.append(spelled)
    return result


def auth_choice_of(models_cfg: dict[str, Any], providers: dict[str, Provider]) -> str | None:
    choice = models_cfg.get("auth_choice")
    if not isinstance(choice, str):
        return None
    choice = ALIASES.get(choice, choice) if choice not in providers else choice
    return choice if choice in providers else None


class View:
    """What `models auth status`, `models status` and `models list` show, from one reading.

    rows: the profiles to list, in order; resolutions: per provider; relevant: the providers
    `--check` judges (the one asked for, else the configured ones and those with a credential, else all)."""

    def __init__(self, rows: list[st.ProfileStatus], resolutions: dict[str, Resolution], relevant: list[str],
                 auth_order: list[str]) -> None:
        self.rows, self.resolutions, self.relevant, self.auth_order = rows, resolutions, relevant, auth_order

    def check_exit_code(self) -> int:
        """`--check`: 1 if a judged provider has nothing serving it or only an expired credential, 2 if
        the credential serving one is expiring, else 0."""
        verdicts = {self.resolutions[p].verdict for p in self.relevant}
        if verdicts & {st.EXPIRED, st.MISSING, st.INVALID}:
            return st.EXIT_EXPIRED_OR_MISSING
        if st.EXPIRING in verdicts:
            return st.EXIT_EXPIRING
        return st.EXIT_ALL_GOOD

    def verdicts(self) -> dict[str, str]:
        return {provider: resolution.verdict for provider, resolution in self.resolutions.items()}


def view(models_cfg: dict[str, Any], providers: dict[str, Provider], provider_filter: str | None = None,
         reader: Reader | None = None) -> View:
    reader = reader or Reader(providers)
    order = auth_order_of(models_cfg, providers)
    choice = auth_choice_of(models_cfg, providers)
    configured = _unique([entry.partition(":")[0] for entry in order] + ([choice] if choice else []))
    holding = _providers_holding_a_credential(providers, reader)
    if provider_filter is not None:
        shown = [provider_filter]
    else:
        shown = _unique(configured + holding + [st.CODEX_PROVIDER])
    resolutions = {pid: resolve(pid, order, reader) for pid in _unique(shown + list(providers))}
    rows = _rows_to_show(shown, order, resolutions, configured, provider_filter)
    if provider_filter is not None:
        relevant = [provider_filter]
    else:
        relevant = _unique(configured + holding) or shown
    return View(rows, resolutions, relevant, order)


def _providers_holding_a_credential(providers: dict[str, Provider], reader: Reader) -> list[str]:
    """Providers with something stored for them: our file, their env var, the Codex CLI's sign-in."""
    import os

    holding = list(st.stored_provider_ids())
    holding += [pid for pid, p in providers.items() if p.env_var and os.environ.get(p.env_var, "").strip()]
    for pid, provider in providers.items():
        if provider.codex_cli_mode and reader.row(profile_id(pid, CODEX_CLI)).status != st.MISSING:
            holding.append(pid)
    return _unique(holding)


def _rows_to_show(shown: list[str], order: list[str], resolutions: dict[str, Resolution], configured: list[str],
                  provider_filter: str | None) -> list[st.ProfileStatus]:
    """The auth order's entries first, then each shown provider's profiles that hold something, its
    stored profile when the provider is configured or asked for, and the always-shown ChatGPT rows."""
    by_profile = {row.profile: row for pid in shown for row in resolutions[pid].rows}
    rows = [by_profile[entry] for entry in order if entry in by_profile]
    for provider_id in shown:
        wanted_anyway = provider_id in configured or provider_id == provider_filter
        for row in resolutions[provider_id].rows:
            if row in rows:
                continue
            if row.status != st.MISSING or (row.name == DEFAULT and wanted_anyway) or row.profile in ALWAYS_SHOWN:
                rows.append(row)
    return rows


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
