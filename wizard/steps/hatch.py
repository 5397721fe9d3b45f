"""Step 6, Agent Hatching: name, workspace and persona; starter files never overwrite."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.i18n import M
from wizard.steps.base import Context, Effects, Field, Step, kinds, valid_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.steps.shapes import Answers, Values

HATCHING = M("unless hatch is false (hatch later)")
DEFAULT_PERSONA = "A calm, precise assistant that explains what it is about to do before doing it."


def _hatching(answers: Answers, ctx: Context) -> bool:
    hatching: bool = answers.get("hatch", {}).get("hatch", True)
    return hatching


def _check_name(value: str, answers: Answers, ctx: Context) -> str | None:
    if re.match(r"^[a-z0-9][a-z0-9_-]{0,31}$", value or ""):
        return None
    return M("must be 1-32 lowercase letters, digits, - or _, starting with a letter or digit (e.g. main)")


def _check_persona(value: str, answers: Answers, ctx: Context) -> str | None:
    return M("must be 500 characters or fewer") if len(value) > 500 else None


def _check_workspace(value: str, answers: Answers, ctx: Context) -> str | None:
    """The folder must be one, or creatable: no file in the way at it or above it."""
    problem = valid_path(value, answers, ctx)
    if problem:
        return problem
    path = resolve_workspace(value, ctx)
    if path.exists() and not path.is_dir():
        return M("{path} exists and is not a folder; choose another workspace", path=str(path))
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else M("{parent} is a file, so {path} cannot be created inside it",
                                                  parent=str(parent), path=str(path))
    return None


def _default_workspace(ctx: Context) -> str:
    from wizard.render import short_path

    return short_path(str(ctx.state_dir / "workspace"))


def resolve_workspace(value: str, ctx: Context) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path)


FIELDS = (
    Field("hatch", "hatch", kinds.BOOL, M("Hatch the agent now"),
          M("Create the agent's workspace with starter files; or hatch later with `openclaw onboard --step hatch`."),
          default=True),
    Field("hatch", "agent_name", kinds.TEXT, M("Agent name"), M("A short id for the agent."),
          default="main", stored_at=("agent", "name"),
          validate=_check_name, applies=_hatching, applies_when=HATCHING,
          placeholder=M("e.g. {example}", example="main")),
    Field("hatch", "workspace", kinds.PATH, M("Workspace"),
          M("The folder the agent works in; existing files are kept."),
          default=lambda a, c: _default_workspace(c), stored_at=("agent", "workspace"),
          validate=_check_workspace, applies=_hatching, applies_when=HATCHING),
    Field("hatch", "persona", kinds.MULTILINE, M("Persona"),
          M("A few sentences, on one line or several; written to SOUL.md."),
          default=DEFAULT_PERSONA, stored_at=("agent", "persona"),
          validate=_check_persona, applies=_hatching, applies_when=HATCHING),
)


def starter_files(name: str, persona: str) -> dict[str, str]:
    return {
        "AGENTS.md": f"# {name}\n\nHow this agent works: read SOUL.md for who it is and USER.md for who it helps.\n"
                     "Keep notes in this workspace; ask before destructive actions.\n",
        "SOUL.md": f"# Soul\n\n{persona}\n",
        "USER.md": "# User\n\nWrite here what the agent should know about you: name, time zone, preferences.\n",
    }


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    if not values.get("hatch", True):
        return Effects(notes=[M("agent: hatch later with `openclaw onboard --step hatch`")])
    workspace = resolve_workspace(values["workspace"], ctx)
    files = [(workspace / name, text) for name, text in starter_files(values["agent_name"], values["persona"]).items()]
    return Effects(config={"agent.name": values["agent_name"], "agent.workspace": str(workspace),
                           "agent.persona": values["persona"]},
                   dirs=[workspace], files=files)


def from_config(ctx: Context) -> Values:
    return {"hatch": ctx.existing_value("agent") is not None,
            "agent_name": ctx.existing_value("agent", "name", default="main"),
            "workspace": ctx.existing_value("agent", "workspace", default=str(ctx.state_dir / "workspace"))}


def describe(values: Values) -> str:
    if not values.get("hatch", True):
        return M("hatch later")
    return M("agent {name} in {workspace}", name=values.get("agent_name"), workspace=values.get("workspace"))


STEP = Step("hatch", 6, M("Agent Hatching"), M("Create your agent and its workspace."),
            FIELDS, plan, from_config, describe, sections=("agent",))
