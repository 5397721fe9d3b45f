"""The bundled model catalog joined with the config and the credentials' status (`models list`)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from wizard.auth import status as st
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.auth.providers import Provider

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "models.toml"
USABILITY_ORDER = (st.OK, st.STATIC, st.EXPIRING, st.EXPIRED, st.INVALID, st.MISSING)
NOT_USABLE = (st.MISSING, st.EXPIRED, st.INVALID)


def load_catalog(path: Path = CATALOG_PATH) -> list[dict[str, Any]]:
    with open(path, "rb") as fh:
        return [entry for entry in tomllib.load(fh).get("model", []) if isinstance(entry, dict)]


def configured_models(models_cfg: dict[str, Any]) -> list[str]:
    """Models the config names: the default, then any fallbacks."""
    named = [models_cfg.get("default")]
    fallbacks = models_cfg.get("fallbacks")
    if isinstance(fallbacks, list):
        named += fallbacks
    result: list[str] = []
    for model in named:
        if isinstance(model, str) and model and model not in result:
            result.append(model)
    return result


def model_auth(served_by: list[str], verdicts: dict[str, str]) -> str | None:
    """The best verdict among the providers that can serve a model; None for a local model."""
    if not served_by:
        return None
    statuses = [verdicts.get(p, st.MISSING) for p in served_by]
    return min(statuses, key=USABILITY_ORDER.index)


def model_providers(model: str, providers: dict[str, Provider]) -> list[str]:
    """The providers that can serve a model: the catalog's list, else the model's family when it names one."""
    for entry in load_catalog():
        if entry.get("id") == model:
            return [p for p in entry.get("providers") or [] if isinstance(p, str)]
    from wizard.auth.providers import canonical_id

    family = canonical_id(model.partition("/")[0], providers)
    return [family] if family in providers else []


def rows(models_cfg: dict[str, Any], providers: dict[str, Provider], provider_filter: str | None,
         verdicts: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per model (catalog, then configured models it lacks) with its auth status and tags."""
    catalog = load_catalog()
    known_ids = {entry.get("id") for entry in catalog}
    configured = configured_models(models_cfg)
    for model in configured:
        if model not in known_ids:  # a configured model the catalog does not know: shown with unknowns
            catalog.append({"id": model, "providers": model_providers(model, providers),
                            "input": None, "context_window": None, "local": None, "in_catalog": False})
    if provider_filter is not None:
        catalog = [entry for entry in catalog if provider_filter in (entry.get("providers") or [])]
    if verdicts is None:
        from wizard.auth import resolve

        verdicts = resolve.view(models_cfg, providers).verdicts()
    default = models_cfg.get("default") if isinstance(models_cfg.get("default"), str) else None
    result = []
    for entry in catalog:
        auth = model_auth(list(entry.get("providers") or []), verdicts) if entry.get("local") is not True else None
        tags = [tag for tag, present in (("default", entry["id"] == default),
                                         ("configured", entry["id"] in configured),
                                         ("missing", auth in NOT_USABLE)) if present]
        result.append({
            "id": entry["id"],
            "providers": list(entry.get("providers") or []),
            "input": entry.get("input"),
            "context_window": entry.get("context_window"),
            "local": entry.get("local"),
            "auth": auth,
            "tags": tags,
            "in_catalog": entry.get("in_catalog", True),
        })
    return result


def invoke_target(models_cfg: dict[str, Any], providers: dict[str, Provider], provider_id: str | None,
                  model: str | None, verdicts: dict[str, str]) -> tuple[str, str]:
    """(provider id, model) for `models invoke`: what was given, else the configured default model and
    the provider that serves it (the auth choice when it can, else the first whose credential works)."""
    from wizard.errors import UsageError

    default = models_cfg.get("default") if isinstance(models_cfg.get("default"), str) else None
    if model is None:
        if default and (provider_id is None or provider_id in model_providers(default, providers)):
            model = default
        elif provider_id is not None:
            model = providers[provider_id].default_model or None
    if model is None:
        raise UsageError(M("no model to call: none given and no default model in the config"),
                         hint=M("pass --model M (e.g. openai-codex/gpt-5.2), or run `openclaw onboard`"))
    if provider_id is not None:
        return provider_id, model
    served_by = model_providers(model, providers)
    if not served_by:
        raise UsageError(M("no provider serves {model!r}", model=model),
                         hint=M("pass --provider P (one of: {providers})", providers=", ".join(providers)))
    choice = models_cfg.get("auth_choice")
    preferred = [choice] if choice in served_by else []
    ranked = sorted(preferred + [p for p in served_by if p not in preferred],
                    key=lambda p: (verdicts.get(p, st.MISSING) in NOT_USABLE, p not in preferred))
    return ranked[0], model
