"""The seven steps, in order. One definition of each serves the TUI and the headless driver."""

from __future__ import annotations

from wizard.steps import authorization, channels, existing, hatch, hooks, quickstart, skills
from wizard.steps.base import Field, Step

STEPS: tuple[Step, ...] = tuple(m.STEP for m in (quickstart, existing, channels, skills, hooks, hatch, authorization))
STEP_IDS: tuple[str, ...] = tuple(s.id for s in STEPS)
BY_ID: dict[str, Step] = {s.id: s for s in STEPS}


def all_fields() -> list[Field]:
    return [f for s in STEPS for f in s.fields]


def get(step_id: str) -> Step:
    from wizard.errors import UsageError

    try:
        return BY_ID[step_id]
    except KeyError:
        from wizard.i18n import M

        raise UsageError(M("unknown step {step!r}", step=step_id), code="INVALID_STEP",
                         hint=M("valid steps: {steps}", steps=", ".join(STEP_IDS))) from None
