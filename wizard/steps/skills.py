"""Step 4, Skills Installation: pick from the bundled catalog; show what this machine lacks."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from wizard.steps.base import Answers, Context, Effects, Field, Option, Step, kinds


@functools.lru_cache(maxsize=1)
def catalog() -> tuple[dict, ...]:
    with open(Path(__file__).parent.parent / "data" / "skills.toml", "rb") as fh:
        return tuple(tomllib.load(fh)["skill"])


def missing_binaries(skill: dict, ctx: Context) -> list[str]:
    return [binary for binary in skill["requires"] if not ctx.which(binary)]


def requirements_summary(ctx: Context) -> str:
    """One line on what this machine lacks for the catalog's skills."""
    lacking = [f"{skill['name']} needs {', '.join(missing)}" for skill in catalog()
               if (missing := missing_binaries(skill, ctx))]
    if not lacking:
        return "This machine has every program these skills need."
    return "Not found on this machine: " + "; ".join(lacking) + "."


def _options() -> tuple[Option, ...]:
    return tuple(Option(s["name"], s["name"], s["description"] +
                        (f" (needs {', '.join(s['requires'])})" if s["requires"] else ""))
                 for s in catalog())


FIELDS = (
    Field("skills", "skills", kinds.MULTI, "Skills", "Skills your agent may use; none is fine.",
          default=[], stored_at=("skills", "enabled"), options=_options()),
)


def plan(values: dict, answers: Answers, ctx: Context) -> Effects:
    chosen = values.get("skills", [])
    notes = []
    for skill in catalog():
        if skill["name"] in chosen:
            missing = missing_binaries(skill, ctx)
            if missing:
                notes.append(f"skill {skill['name']}: install {', '.join(missing)} for it to work")
    return Effects(config={"skills.enabled": list(chosen)}, notes=notes)


def from_config(ctx: Context) -> dict:
    return {"skills": list(ctx.existing_value("skills", "enabled", default=[]))}


def describe(values: dict) -> str:
    return ", ".join(values.get("skills") or []) or "none"


STEP = Step("skills", 4, "Skills Installation", "Give your agent skills.",
            FIELDS, plan, from_config, describe, sections=("skills",), note=requirements_summary)
