"""Step 2, Use Existing Configuration: keep, update or reset (only when a config exists)."""

from __future__ import annotations

from wizard.steps.base import Answers, Context, Effects, Field, Option, Step, kinds


def has_config(answers: Answers, ctx: Context) -> bool:
    return ctx.existing is not None


FIELDS = (
    Field("existing", "existing", kinds.CHOICE, "Existing configuration",
          "Keep it as is, update it (the next steps start from its values), or reset it "
          "(the old file is moved to a timestamped backup).",
          default="update",
          options=(Option("keep", "Keep", "leave the configuration as it is and go to sign-in"),
                   Option("update", "Update", "walk the steps with the current values filled in"),
                   Option("reset", "Reset", "back up the file and start from defaults")),
          flag_name="--existing", env_name="OPENCLAW_EXISTING"),
)


def plan(values: dict, answers: Answers, ctx: Context) -> Effects:
    if values.get("existing") == "reset":
        return Effects(reset_config=True, notes=[f"{ctx.config_path} will be moved to a timestamped backup"])
    return Effects()


def on_record(values: dict, ctx: Context) -> None:
    ctx.reset = values.get("existing") == "reset"


def next_step(values: dict) -> str | None:
    return "authorization" if values.get("existing") == "keep" else None


STEP = Step("existing", 2, "Use Existing Configuration", "Keep, update or reset the current configuration.",
            FIELDS, plan, lambda ctx: {"existing": "keep"}, lambda v: v.get("existing", "keep"),
            applies=has_config, next_step=next_step, on_record=on_record,
            applies_when="only when a config file exists")
