"""The headless driver: replays the state machine with preset answers. Never prompts, never hangs.

It performs what the machine asks, as the TUI does: each step from the presets, then the sign-in
when the machine says one is due, then the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wizard import answers as answer_sources
from wizard.errors import Cancelled, MissingAnswers, UsageError, ValidationError, WizardError
from wizard.i18n import M, Msg, localize
from wizard.machine import SIGN_IN, Machine, SignInTarget
from wizard.output import Output
from wizard.plan import Plan, finish
from wizard.request import OnboardRequest, Preset, Presets, Problem, SignInOptions
from wizard.steps.base import Field

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any


def walk(machine: Machine, presets: Presets, accept_defaults: bool, problems: Sequence[Problem] = ()) -> list[str]:
    """Answer every pending step from presets/defaults; raise listing every problem at once, one per field.

    Returns the notes for answers set aside (given for a skipped Authorization)."""
    unreadable = {p.field_id for p in problems if p.field_id}
    missing: list[str] = []
    invalid = [p.text for p in problems]
    while machine.step is not None:
        step = machine.step
        preset = presets.get(step.id, {})
        values, unanswered = machine.resolve(step.id, {k: p.value for k, p in preset.items()}, accept_defaults)
        answers = machine.answers(step.id, values)
        missing += [M("{field}: {label} - give it with {sources}", field=f.id, label=f.label,
                      sources=answer_sources.describe_sources(f, answers))
                    for f in unanswered if f.id not in unreadable]
        typed, errors = machine.check(step.id, values)
        reported = {f.key for f in unanswered} | {key for key in errors if f"{step.id}.{key}" in unreadable}
        for key, message in errors.items():
            if key not in reported:
                fld = step.field(key)
                invalid.append(M("{field} ({source}): {message}", field=fld.id, source=_source(fld, preset, machine),
                                 message=message))
        machine.record(step.id, typed)
    unused, notes = unused_answers(machine, presets)
    invalid += unused
    if missing or invalid:
        raise _answers_error(missing, invalid, offer_defaults=not accept_defaults)
    return notes


def _source(fld: Field, preset: Mapping[str, Preset], machine: Machine) -> str:
    if fld.key in preset:
        return preset[fld.key].source
    return machine.ctx.config_path.name if fld.stored_value(machine.ctx) is not None else M("default")


def unused_answers(machine: Machine, presets: Presets) -> tuple[list[str], list[str]]:
    """Answers given on the command line or in the answers file that this run would not use: errors (never
    silently dropped), and notes for those a step sets aside (method and model with --auth-choice skip)."""
    unused: list[str] = []
    notes: list[str] = []
    for step_id, answers in presets.items():
        step = machine.step_named(step_id)
        status = machine.status[step_id]
        for key, preset in answers.items():
            fld = step.field(key)
            if preset.ambient or fld.standing:
                continue  # env is ambient; accepting the risk is a standing acknowledgement
            if status == "n/a":
                continue  # e.g. [existing] in a replayed answers file on a machine with no config yet
            if status != "done":
                unused.append(M("{field} ({source}): not used, {why}", field=fld.id, source=preset.source,
                                why=_not_in_run(machine, step_id)))
                continue
            if key in machine.values[step_id]:
                continue
            aside = step.set_aside(machine.values[step_id]) if step.set_aside else None
            if aside:
                notes.append(M("{field} ({source}) is not used: {why}", field=fld.id, source=preset.source, why=aside))
            else:
                asked = (M("it is asked {when}", when=fld.applies_when) if fld.applies_when
                         else M("your other answers leave it out"))
                unused.append(M("{field} ({source}): not used, {why}; drop it or change that answer", field=fld.id,
                                source=preset.source, why=asked))
    return unused, notes


def _not_in_run(machine: Machine, step_id: str) -> str:
    """Why a step is not asked in this run, and how to get it asked."""
    if machine.status[step_id] == "skipped":
        return M("the {step} step is skipped (--skip); drop it, or do not skip {step}", step=step_id)
    if machine.values.get("existing", {}).get("existing") == "keep":
        return M("existing is keep, so the {step} step keeps the config's values; drop it, "
                 "or answer existing = update", step=step_id)
    opened = next((s.id for s in machine.steps if machine.status[s.id] == "done"), "one step")
    return M("this run opens on {opened} only (--step {opened}), so the {step} step keeps the config's values; "
             "drop it, or run without --step to answer every step", opened=opened, step=step_id)


def _answers_error(missing: list[str], invalid: list[str], offer_defaults: bool) -> UsageError:
    error_type = MissingAnswers if missing else ValidationError
    hint = (M("fix the answers named above; or pass --accept-defaults to take the default wherever there is one")
            if missing and offer_defaults else M("fix the answers named above"))
    return error_type(M("{problems} (running headless, nothing was written):",
                        problems=_count_problems(missing, invalid)), details=missing + invalid, hint=hint)


def _count_problems(missing: list[str], invalid: list[str]) -> Msg:
    """"2 answers are missing and 1 is not valid": one message per count, so each language words its own."""
    if missing and invalid:
        return M("{missing} and {invalid}", missing=_missing_count(len(missing)),
                 invalid=M("{count} is not valid", count=1) if len(invalid) == 1
                 else M("{count} are not valid", count=len(invalid)))
    if missing:
        return _missing_count(len(missing))
    return (M("{count} answer is not valid", count=1) if len(invalid) == 1
            else M("{count} answers are not valid", count=len(invalid)))


def _missing_count(count: int) -> Msg:
    return M("{count} answer is missing", count=1) if count == 1 else M("{count} answers are missing", count=count)


STATUS_WORDS = {"kept": M("kept"), "skipped": M("skipped"), "n/a": M("not applicable"), "pending": M("pending")}


def report_steps(machine: Machine, out: Output) -> None:
    total = len(machine.steps)
    for step, status, description in machine.summary():
        text = description if status == "done" else STATUS_WORDS[status]
        if status == "kept" and description:
            text = M("kept ({description})", description=description)
        out.say(M("[{number}/{total}] {step}: {text}", number=step.number, total=total, step=step.title, text=text))
        out.event("step", step=step.id, number=step.number, title=step.title, status=status, summary=description)


def print_plan(plan: Plan, out: Output) -> None:
    out.event("plan", **plan.as_dict())
    show = out.say if out.json_mode else out.print
    heading = localize(M("Plan (dry run, nothing written):"))  # for people only: the plan event holds the data
    text = "\n".join([heading, *(f"  {localize(line)}" for line in plan.lines())])
    diff = plan.diff(for_people=True)
    show(text + ("\n" + diff.rstrip("\n") if diff else ""))


def run(request: OnboardRequest, machine: Machine, out: Output) -> int:
    notes = walk(machine, request.presets, request.accept_defaults, request.problems)
    report_steps(machine, out)
    for note in notes:
        out.say(f"note: {localize(note)}")  # the tag stays as it is in every language
        out.event("note", message=note)
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


def sign_in(target: SignInTarget, options: SignInOptions, out: Output) -> dict[str, Any]:
    from wizard.auth.signin import run_headless

    try:
        return run_headless(target.provider, options.with_method(target.method), out)
    except (Cancelled, UsageError):
        raise  # the person stopped it, or a flag is wrong: the hint already says what to do
    except WizardError as exc:
        skip = skip_sign_in_hint(target.provider)
        exc.hint = M("{hint}; {skip}", hint=exc.hint, skip=skip) if exc.hint else skip
        raise


def skip_sign_in_hint(provider: str) -> str:
    return M("nothing was written: to set up everything else now and sign in later, run the same command with "
             "--auth-choice skip, then `openclaw models auth login --provider {provider}`", provider=provider)


def report_written(written: list[str], notes: list[str], out: Output) -> None:
    """What was written and what to do next: the last lines of every finished run (TUI too)."""
    from wizard.render import short_path

    if not written:
        out.say(M("Nothing to change: the configuration already says all of this."))
    for path in written:
        out.say(M("wrote {path}", path=short_path(path)))
    for note in notes:
        out.say(f"note: {localize(note)}")  # the tag stays as it is in every language
    out.say(M("Done. Next: `openclaw models status` to check sign-ins."))
