"""The bundled model catalog joined with the config and the credentials' status (`models list`)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from wizard.auth import status as st

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "models.toml"
USABILITY_ORDER = (st.OK, st.STATIC, st.EXPIRING, st.EXPIRED, st.MISSING)


def load_catalog(path: Path = CATALOG_PATH) -> list[dict[str, Any]]:
    with open(path, "rb") as fh:
        return [entry for entry in tomllib.load(fh).get("model", []) if isinstance(entry, dict)]


def configured_models(models_cfg: dict) -> list[str]:
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


def model_auth(model_providers: list[str], best: dict[str, str]) -> str | None:
    """The best status among the providers that can serve a model; None for a local model."""
    if not model_providers:
        return None
    statuses = [best.get(p, st.MISSING) for p in model_providers]
    return min(statuses, key=USABILITY_ORDER.index)


def rows(models_cfg: dict, providers: dict, provider_filter: str | None) -> list[dict[str, Any]]:
    """One row per model (catalog, then configured models it lacks) with its auth status and tags."""
    catalog = load_catalog()
    known_ids = {entry.get("id") for entry in catalog}
    configured = configured_models(models_cfg)
    for model in configured:
        if model not in known_ids:  # a configured model the catalog does not know: shown with unknowns
            family = model.partition("/")[0]
            catalog.append({"id": model, "providers": [family] if family in providers else [],
                            "input": None, "context_window": None, "local": None, "in_catalog": False})
    if provider_filter is not None:
        catalog = [entry for entry in catalog if provider_filter in (entry.get("providers") or [])]
    profiles, _ = st.profile_rows(models_cfg, providers)
    best = st.best_by_provider(profiles)
    default = models_cfg.get("default") if isinstance(models_cfg.get("default"), str) else None
    result = []
    for entry in catalog:
        auth = model_auth(list(entry.get("providers") or []), best) if entry.get("local") is not True else None
        tags = [tag for tag, present in (("default", entry["id"] == default),
                                         ("configured", entry["id"] in configured),
                                         ("missing", auth in (st.MISSING, st.EXPIRED))) if present]
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
