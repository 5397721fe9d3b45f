"""Step 2, Use Existing Configuration: keep, update or reset (only when a config exists).

A config that is not valid TOML cannot be kept or updated: the run opens here with Reset alone
offered (the old file is kept as a timestamped backup) and the parse error shown.
"""

from __future__ import annotations

from wizard.i18n import M
from wizard.steps.base import Context, Effects, Field, Option, Step, kinds

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.steps.shapes import Answers, Values


def has_config(answers: Answers, ctx: Context) -> bool:
    return ctx.existing is not None or is_broken(ctx)


def is_broken(ctx: Context) -> bool:
    return ctx.config_problem is not None


def _offered(option: Option, answers: Answers, ctx: Context) -> bool:
    return option.value == "reset" or not is_broken(ctx)


def _default(answers: Answers, ctx: Context) -> str:
    return "reset" if is_broken(ctx) else "update"


def _broken_note(answers: Answers, ctx: Context) -> str | None:
    if not is_broken(ctx):
        return None
    return M("Your configuration {name} is not valid TOML: {problem}. It cannot be kept "
             "or updated: Reset keeps it as a timestamped backup and starts from defaults. To fix it by hand "
             "instead, quit now; nothing has been written.", name=ctx.config_path.name, problem=ctx.config_problem)


def _required(ctx: Context) -> str | None:
    if not is_broken(ctx):
        return None
    return M("{name} is not valid TOML, so Use Existing Configuration must choose Reset", name=ctx.config_path.name)


FIELDS = (
    Field("existing", "existing", kinds.CHOICE, M("Existing configuration"),
          M("Keep it as is, update it (the next steps start from its values), or reset it "
            "(the old file is moved to a timestamped backup)."),
          default=_default,
          options=(Option("keep", M("Keep"), M("leave the configuration as it is and go to sign-in")),
                   Option("update", M("Update"), M("walk the steps with the current values filled in")),
                   Option("reset", M("Reset"), M("back up the file and start from defaults"))),
          option_filter=_offered, note=_broken_note, flag_name="--existing", env_name="OPENCLAW_EXISTING"),
)


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    if values.get("existing") == "reset":
        return Effects(reset_config=True,
                       notes=[M("{path} will be moved to a timestamped backup", path=str(ctx.config_path))])
    return Effects()


def on_record(values: Values, ctx: Context) -> None:
    ctx.reset = values.get("existing") == "reset"


def next_step(values: Values) -> str | None:
    """Keep goes to sign-in; Reset goes to QuickStart when it is still to do (a broken config opens here)."""
    return {"keep": "authorization", "reset": "quickstart"}.get(values.get("existing", ""))


def describe(values: Values) -> str:
    chosen = str(values.get("existing", "keep"))
    return CHOSEN.get(chosen, chosen)


CHOSEN: dict[str, str] = {"keep": M("keep"), "update": M("update"), "reset": M("reset")}

STEP = Step("existing", 2, M("Use Existing Configuration"), M("Keep, update or reset the current configuration."),
            FIELDS, plan, from_config=lambda ctx: {"existing": "keep"}, describe=describe,
            applies=has_config, next_step=next_step, on_record=on_record,
            applies_when=M("only when a config file exists"), first_when=is_broken, required=_required)
