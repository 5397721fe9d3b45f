"""The headless driver: replays the state machine with preset answers. Never prompts, never hangs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from wizard import answers as answer_sources
from wizard.errors import MissingAnswers, ValidationError
from wizard.machine import REVIEW, Machine
from wizard.plan import Plan, apply


class Reporter:
    """Progress on stderr; with --json, JSON-lines events on stdout."""

    def __init__(self, json_mode: bool):
        self.json_mode = json_mode

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def event(self, name: str, **data) -> None:
        if self.json_mode:
            print(json.dumps({"event": name, **data}), flush=True)


def walk(machine: Machine, presets: dict, accept_defaults: bool) -> None:
    """Answer every pending step from presets/defaults; raise listing every missing or invalid answer."""
    missing, invalid = [], []
    while machine.current != REVIEW:
        step = machine.step
        preset = presets.get(step.id, {})
        values, unanswered = machine.resolve(step.id, {k: p.value for k, p in preset.items()}, accept_defaults)
        missing += unanswered
        typed, errors = machine.check(step.id, values)
        skip_keys = {f.key for f in unanswered}
        for key, message in errors.items():
            if key not in skip_keys:
                source = preset[key].source if key in preset else "default"
                invalid.append(f"{step.id}.{key} ({source}): {message}")
        machine.record(step.id, typed)
    if missing:
        raise MissingAnswers(
            f"{len(missing)} answer{'s are' if len(missing) > 1 else ' is'} missing (running headless, nothing was written):",
            details=[f"{f.id}: {f.label} - give it with {answer_sources.describe_sources(f)}"
                     for f in missing],
            hint="or pass --accept-defaults to take the default wherever there is one")
    if invalid:
        raise ValidationError("some answers are not valid (nothing was written):", details=invalid,
                              hint="fix the values named above and run the command again")


def report_steps(machine: Machine, out: Reporter) -> None:
    total = len(machine.steps)
    for step, status, description in machine.summary():
        text = description if status == "done" else {"kept": "kept", "skipped": "skipped",
                                                      "n/a": "not applicable", "pending": "pending"}[status]
        if status == "kept" and description:
            text = f"kept ({description})"
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


def run(args, machine: Machine, presets: dict, out: Reporter) -> int:
    walk(machine, presets, args.accept_defaults)
    report_steps(machine, out)
    plan = machine.plan()
    if args.dry_run:
        print_plan(plan, out)
        out.event("done", dry_run=True, config=str(plan.config_path), written=[])
        return 0
    if plan.sign_in:
        sign_in(args, plan.sign_in, out)
    written = apply(plan, machine.ctx.state_dir)
    if args.save_answers:
        answer_sources.save(machine, Path(args.save_answers))
        written.append(args.save_answers)
    report_written(written, plan.notes, out)
    out.event("done", dry_run=False, config=str(plan.config_path), written=written)
    return 0


def sign_in(args, target: tuple, out: Reporter) -> None:
    from wizard.auth.signin import SignInOptions, run_headless

    provider, method = target
    options = SignInOptions(method=method, browser=args.browser, no_browser=args.no_browser,
                            callback_port=args.callback_port, timeout=args.timeout or 600.0)
    run_headless(provider, options, json_mode=out.json_mode)


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
