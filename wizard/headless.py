"""The headless driver: replays the state machine with preset answers. Never prompts, never hangs.

It performs what the machine asks, as the TUI does: each step from the presets, then the sign-in
when the machine says one is due, then the plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard import answers as answer_sources
from wizard.errors import MissingAnswers, ValidationError
from wizard.machine import SIGN_IN, Machine, SignInTarget
from wizard.output import Output
from wizard.plan import Plan, finish
from wizard.request import OnboardRequest, Presets, SignInOptions


def walk(machine: Machine, presets: Presets, accept_defaults: bool, problems: Sequence[str] = ()) -> None:
    """Answer every pending step from presets/defaults; raise listing every problem at once."""
    missing: list[str] = []
    invalid = list(problems)
    while machine.step is not None:
        step = machine.step
        preset = presets.get(step.id, {})
        values, unanswered = machine.resolve(step.id, {k: p.value for k, p in preset.items()}, accept_defaults)
        answers = machine.answers(step.id, values)
        missing += [f"{f.id}: {f.label} - give it with {answer_sources.describe_sources(f, answers)}"
                    for f in unanswered]
        typed, errors = machine.check(step.id, values)
        skip_keys = {f.key for f in unanswered}
        for key, message in errors.items():
            if key not in skip_keys:
                source = preset[key].source if key in preset else "default"
                invalid.append(f"{step.id}.{key} ({source}): {message}")
        machine.record(step.id, typed)
    invalid += unused_answers(machine, presets)
    if missing or invalid:
        raise _answers_error(missing, invalid, offer_defaults=not accept_defaults)


def unused_answers(machine: Machine, presets: Presets) -> list[str]:
    """Answers given on the command line or in the answers file that this run would silently drop."""
    unused = []
    for step_id, answers in presets.items():
        step = machine.step_named(step_id)
        for key, preset in answers.items():
            if preset.ambient or step.field(key).standing:
                continue  # env is ambient; accepting the risk is a standing acknowledgement
            if machine.status[step_id] == "n/a":
                continue  # e.g. [existing] in a replayed answers file on a machine with no config yet
            if machine.status[step_id] != "done":
                unused.append(f"{step_id}.{key} ({preset.source}): not used, the {step_id} step is not part "
                              f"of this run ({machine.status[step_id]}); drop it, or run without --step, --auth-choice "
                              "or --skip")
            elif key not in machine.values[step_id]:
                unused.append(f"{step_id}.{key} ({preset.source}): not used with your other answers "
                              f"(e.g. gateway settings need --flow manual); drop it or change them")
    return unused


def _answers_error(missing: list[str], invalid: list[str], offer_defaults: bool):
    parts = []
    if missing:
        parts.append(f"{len(missing)} answer{'s are' if len(missing) > 1 else ' is'} missing")
    if invalid:
        noun = "" if missing else (" answers" if len(invalid) > 1 else " answer")
        parts.append(f"{len(invalid)}{noun} {'are' if len(invalid) > 1 else 'is'} not valid")
    error_type = MissingAnswers if missing else ValidationError
    return error_type(" and ".join(parts) + " (running headless, nothing was written):", details=missing + invalid,
                      hint="fix the answers named above" + ("; or pass --accept-defaults to take the default "
                                                            "wherever there is one" if missing and offer_defaults
                                                            else ""))


def report_steps(machine: Machine, out: Output) -> None:
    total = len(machine.steps)
    for step, status, description in machine.summary():
        text = description if status == "done" else {"kept": "kept", "skipped": "skipped",
                                                      "n/a": "not applicable", "pending": "pending"}[status]
        if status == "kept":
            text = f"kept ({description})" if description else "kept"
        out.say(f"[{step.number}/{total}] {step.title}: {text}")
        out.event("step", step=step.id, number=step.number, title=step.title, status=status, summary=description)


def print_plan(plan: Plan, out: Output) -> None:
    out.event("plan", **plan.as_dict())
    show = out.say if out.json_mode else out.print
    text = "\n".join(["Plan (dry run, nothing written):", *(f"  {line}" for line in plan.lines())])
    diff = plan.diff()
    show(text + ("\n" + diff.rstrip("\n") if diff else ""))


def run(request: OnboardRequest, machine: Machine, out: Output) -> int:
    walk(machine, request.presets, request.accept_defaults, request.problems)
    report_steps(machine, out)
    if request.dry_run:
        plan = machine.plan()
        print_plan(plan, out)
        out.event("done", dry_run=True, config=str(plan.config_path), written=[])
        return 0
    if machine.current == SIGN_IN:
        record = sign_in(machine.begin_sign_in(), request.signin, out)
        machine.signed_in(record)
    plan, written = finish(machine, request.save_answers)
    report_written(written, plan.notes, out)
    out.event("done", dry_run=False, config=str(plan.config_path), written=written)
    return 0


def sign_in(target: SignInTarget, options: SignInOptions, out: Output) -> dict:
    from wizard.auth.signin import run_headless

    return run_headless(target.provider, options.with_method(target.method), out)


def report_written(written: list[str], notes: list[str], out: Output) -> None:
    """What was written and what to do next: the last lines of every finished run (TUI too)."""
    from wizard.render import short_path

    if not written:
        out.say("Nothing to change: the configuration already says all of this.")
    for path in written:
        out.say(f"wrote {short_path(path)}")
    for note in notes:
        out.say(f"note: {note}")
    out.say("Done. Next: `openclaw models status` to check sign-ins.")
