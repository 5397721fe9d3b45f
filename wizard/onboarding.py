"""One onboarding run, whichever driver performs it: the machine for a request, and where it starts."""

from __future__ import annotations

from wizard.machine import Machine
from wizard.request import OnboardRequest, Presets


def new_machine(request: OnboardRequest) -> Machine:
    """The machine for this request: the existing config read, skips applied, the first step chosen."""
    from wizard.context import load_context

    machine = Machine(load_context(interactive=request.interactive))
    refuse_broken_config(machine, request)
    for step_id in request.skip:
        machine.skip(step_id)
    start = request.step or ("authorization" if straight_to_sign_in(machine, request.presets) else None)
    if start:
        machine.start_at(start)
    return machine


def straight_to_sign_in(machine: Machine, presets: Presets) -> bool:
    """`--auth-choice C` alone goes straight to Authorization; with answers for other steps (flags or
    the answers file; env is ambient, accepting the risk is standing) it is part of a full run."""
    choice = presets.get("authorization", {}).get("auth_choice")
    if choice is None or choice.origin != "flag":
        return False
    return not any(not preset.ambient and not machine.step_named(step_id).field(key).standing
                   for step_id, answers in presets.items() if step_id != "authorization"
                   for key, preset in answers.items())


def refuse_broken_config(machine: Machine, request: OnboardRequest) -> None:
    """A config that is not valid TOML: the TUI opens on Use Existing Configuration with Reset; a headless
    run stops with the parse error (nothing written) unless it was told to reset (`--existing reset`)."""
    ctx = machine.ctx
    if ctx.config_problem is None or request.interactive:
        return
    asked = request.presets.get("existing", {}).get("existing")
    if asked is None or asked.value != "reset":
        from wizard.config import not_valid_toml

        raise not_valid_toml(ctx.config_path, ctx.config_problem)
