"""`openclaw onboard`: argv and the environment into one OnboardRequest, then TUI or headless.

The choice of driver is made here, before Textual could be imported; this is the one place that
launches the TUI (`screens`), lazily.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from wizard.errors import UsageError
from wizard.i18n import M
from wizard.request import OnboardRequest

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.machine import Machine


def headless_reason(args: argparse.Namespace) -> str | None:
    """Why this run is headless, or None for the TUI."""
    if args.non_interactive:
        return "--non-interactive"
    if args.json:
        return "--json"
    if args.dry_run:
        return "--dry-run"
    forced = args.tui and os.environ.get("OPENCLAW_NO_TTY_CHECK") == "1"
    if not sys.stdin.isatty() and not forced:
        return M("stdin is not a terminal")
    if not sys.stdout.isatty() and not forced:
        return M("stdout is not a terminal")
    return None


def request_from(args: argparse.Namespace) -> OnboardRequest:
    """Everything the run was asked, read once; answers are collected (and their problems listed) here."""
    from wizard import answers, steps
    from wizard.cli import signin_options

    reason = headless_reason(args)
    if args.tui and reason:
        raise UsageError(M("--tui needs a terminal, but {reason}", reason=reason),
                         hint=M("drop --tui to run headless, or set OPENCLAW_NO_TTY_CHECK=1 to force it"))
    flag_names = {f.flag for f in steps.all_fields()} | {f.file_flag for f in steps.all_fields() if f.file_flag}
    flags = {name: getattr(args, name) for name in flag_names if getattr(args, name, None) is not None}
    presets, problems = answers.collect(flags, os.environ, Path(args.answers) if args.answers else None)
    return OnboardRequest(
        presets=presets, problems=tuple(problems), step=args.step,
        skip=tuple(filter(None, (s.strip() for s in (args.skip or "").split(",")))),
        accept_defaults=args.accept_defaults, dry_run=args.dry_run, json=args.json,
        save_answers=Path(args.save_answers) if args.save_answers else None,
        signin=signin_options(args), headless_reason=reason)


def run(args: argparse.Namespace) -> int:
    from wizard import answers, onboarding, paths

    request = request_from(args)
    if request.problems and request.interactive:
        raise answers.problems_error(request.problems)  # the TUI would show them too late
    if request.dry_run:
        return _run_headless(request, onboarding.new_machine(request))
    from wizard.lock import onboard_lock

    # Locked before the config is read, so a second wizard never plans from a stale file.
    with onboard_lock(paths.state_dir()):
        machine = onboarding.new_machine(request)
        if request.interactive:
            from screens.app import run_onboard

            return run_onboard(request, machine)
        return _run_headless(request, machine)


def _run_headless(request: OnboardRequest, machine: Machine) -> int:
    from wizard import headless
    from wizard.output import Output

    out = Output(request.json)
    out.say(M("openclaw onboard: running headless ({reason}); answers come from flags, OPENCLAW_* env and --answers",
              reason=request.headless_reason))
    out.event("headless", reason=request.headless_reason)
    return headless.run(request, machine, out)
