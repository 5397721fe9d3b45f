"""Step 4, Skills Installation: pick from the bundled catalog; show what this machine lacks."""

from __future__ import annotations

from wizard.i18n import M
from wizard.steps.base import Context, Effects, Field, Option, Step, kinds
from wizard.steps.skill_catalog import CATALOG, Skill

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.steps.shapes import Answers, Values


def catalog() -> tuple[Skill, ...]:
    return CATALOG


def missing_binaries(skill: Skill, ctx: Context) -> list[str]:
    return [binary for binary in skill.requires if not ctx.which(binary)]


def requirements_summary(ctx: Context) -> str:
    """One line on what this machine lacks for the catalog's skills."""
    lacking = [M("{skill} needs {programs}", skill=skill.name, programs=", ".join(missing)) for skill in catalog()
               if (missing := missing_binaries(skill, ctx))]
    if not lacking:
        return M("This machine has every program these skills need.")
    listed = lacking[0]
    for item in lacking[1:]:  # nested, not joined: a joined str would be shown in English
        listed = M("{list}; {item}", list=listed, item=item)
    return M("Not found on this machine: {lacking}.", lacking=listed)


def _options() -> tuple[Option, ...]:
    return tuple(Option(s.name, s.name, M("{description} (needs {programs})", description=s.description,
                                          programs=", ".join(s.requires)) if s.requires else s.description)
                 for s in catalog())


FIELDS = (
    Field("skills", "skills", kinds.MULTI, M("Skills"), M("Skills your agent may use; none is fine."),
          default=[], stored_at=("skills", "enabled"), options=_options()),
)


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    chosen = values.get("skills", [])
    notes: list[str] = []
    for skill in catalog():
        if skill.name in chosen:
            missing = missing_binaries(skill, ctx)
            if missing:
                notes.append(M("skill {skill}: install {programs} for it to work", skill=skill.name,
                               programs=", ".join(missing)))
    return Effects(config={"skills.enabled": list(chosen)}, notes=notes)


def from_config(ctx: Context) -> Values:
    return {"skills": list(ctx.existing_value("skills", "enabled", default=[]))}


def describe(values: Values) -> str:
    return ", ".join(values.get("skills") or []) or M("none")


STEP = Step("skills", 4, M("Skills Installation"), M("Give your agent skills."),
            FIELDS, plan, from_config, describe, sections=("skills",), note=requirements_summary)
