"""The headless driver: replays the state machine with preset answers. Never prompts, never hangs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from wizard import answers as answer_sources
from wizard.errors import MissingAnswers, ValidationError
from wizard.machine import REVIEW, Machine
from wizard.plan import Plan, check_writable, finish


class Reporter:
    """Progress on stderr; with --json, JSON-lines events on stdout."""

    def __init__(self, json_mode: bool):
        self.json_mode = json_mode

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def event(self, name: str, **data) -> None:
        if self.json_mode:
            print(json.dumps({"event": name, **data}), flush=True)


def walk(machine: Machine, presets: dict, accept_defaults: bool, problems: list[str] | None = None) -> None:
    """Answer every pending step from presets/defaults; raise listing every problem at once."""
    missing, invalid = [], list(problems or [])
    while machine.current != REVIEW:
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


def unused_answers(machine: Machine, presets: dict) -> list[str]:
    """Answers given on the command line or in the answers file that this run would silently drop."""
    unused = []
    for step_id, answers in presets.items():
        for key, preset in answers.items():
            if preset.source.startswith("env ") or (step_id, key) == ("quickstart", "accept_risk"):
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


def report_steps(machine: Machine, out: Reporter) -> None:
    total = len(machine.steps)
    for step, status, description in machine.summary():
        text = description if status == "done" else {"kept": "kept", "skipped": "skipped",
                                                      "n/a": "not applicable", "pending": "pending"}[status]
        if status == "kept":
            text = f"kept ({description})" if description else "kept"
        out.say(f"[{step.number}/{total}] {step.title}: {text}")
        out.event("step", step=step.id, number=step.number, title=step.title, status=status, summary=description)


def print_plan(plan: Plan, out: Reporter) -> None:
    out.event("plan", **plan.as_dict())
    stream = sys.stderr if out.json_mode else sys.stdout
    print("Plan (dry run, nothing written):", file=stream)
    for line in plan.lines():
        print(f"  {line}", file=stream)
    diff = plan.diff()
    if diff:
        print(diff, file=stream, end="" if diff.endswith("\n") else "\n")


def run(args, machine: Machine, presets: dict, out: Reporter, problems: list[str] | None = None) -> int:
    walk(machine, presets, args.accept_defaults, problems)
    report_steps(machine, out)
    plan = machine.plan()
    if args.dry_run:
        print_plan(plan, out)
        out.event("done", dry_run=True, config=str(plan.config_path), written=[])
        return 0
    check_writable(plan, machine.ctx)
    if plan.sign_in:
        sign_in(args, plan.sign_in, out)
    plan, written = finish(machine, Path(args.save_answers) if args.save_answers else None)
    report_written(written, plan.notes, out)
    out.event("done", dry_run=False, config=str(plan.config_path), written=written)
    return 0


def sign_in(args, target: tuple, out: Reporter) -> None:
    import dataclasses

    from wizard.auth.signin import run_headless
    from wizard.commands.login import options_from

    provider, method = target
    run_headless(provider, dataclasses.replace(options_from(args), method=method), json_mode=out.json_mode)


def report_written(written: list[str], notes: list[str], out: Reporter) -> None:
    """What was written and what to do next: the last lines of every finished run (TUI too)."""
    from wizard.render import short_path

    if not written:
        out.say("Nothing to change: the configuration already says all of this.")
    for path in written:
        out.say(f"wrote {short_path(path)}")
    for note in notes:
        out.say(f"note: {note}")
    out.say("Done. Next: `openclaw models status` to check sign-ins.")
