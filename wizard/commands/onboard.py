"""`openclaw onboard`: decide TUI or headless once, before Textual could be imported."""

from __future__ import annotations

import os
import sys

from wizard.errors import UsageError


def headless_reason(args) -> str | None:
    """Why this run is headless, or None for the TUI."""
    if args.non_interactive:
        return "--non-interactive"
    if args.json:
        return "--json"
    if args.dry_run:
        return "--dry-run"
    no_tty_check = os.environ.get("OPENCLAW_NO_TTY_CHECK") == "1"
    if not sys.stdin.isatty():
        if args.tui and no_tty_check:
            return None
        return "stdin is not a terminal"
    if not sys.stdout.isatty():
        if args.tui and no_tty_check:
            return None
        return "stdout is not a terminal"
    return None


def run(args) -> int:
    reason = headless_reason(args)
    if args.tui and reason:
        raise UsageError(f"--tui needs a terminal, but {reason}",
                         hint="drop --tui to run headless, or set OPENCLAW_NO_TTY_CHECK=1 to force it")
    from wizard import answers, paths

    presets, problems = answers.collect(args)
    if problems and reason is None:
        raise answers.problems_error(problems)  # the TUI would show them too late: on its own screen
    if args.dry_run:
        return _run_headless(args, _machine(args, presets), presets, reason, problems)
    from wizard.lock import onboard_lock

    # Locked before the config is read, so a second wizard never plans from a stale file.
    with onboard_lock(paths.state_dir()):
        machine = _machine(args, presets)
        if reason is None:
            return _run_tui(args, machine, presets)
        return _run_headless(args, machine, presets, reason, problems)


def _machine(args, presets):
    from wizard.context import load_context
    from wizard.machine import Machine

    machine = Machine(load_context())
    for step_id in filter(None, (s.strip() for s in (args.skip or "").split(","))):
        machine.skip(step_id)
    start = args.step or ("authorization" if args.auth_choice and not _answers_other_steps(presets) else None)
    if start:
        machine.start_at(start)
    return machine


def _answers_other_steps(presets: dict) -> bool:
    """--auth-choice alone goes straight to sign-in; with answers for other steps it is a full run."""
    return any(not preset.source.startswith("env ") and (step_id, key) != ("quickstart", "accept_risk")
               for step_id, answers in presets.items() if step_id != "authorization"
               for key, preset in answers.items())


def _run_headless(args, machine, presets, reason: str, problems: list[str]) -> int:
    from wizard import headless

    out = headless.Reporter(args.json)
    out.say(f"openclaw onboard: running headless ({reason}); answers come from flags, OPENCLAW_* env "
            "and --answers")
    out.event("headless", reason=reason)
    return headless.run(args, machine, presets, out, problems)


def _run_tui(args, machine, presets) -> int:
    from screens.app import run_onboard

    return run_onboard(args, machine, presets)
