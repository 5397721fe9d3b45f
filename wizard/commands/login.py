"""`openclaw models auth login --provider P`: the one sign-in flow, headless driver.

stdin need not be a terminal: the URL or device code goes to stderr, a pasted
redirect URL comes in on stdin, and --json streams events on stdout.

Login never opens a full-screen UI, in a terminal or not, so it is always what
`--no-interactive` asks for: the flag is accepted for compatibility (scripts
written for the reference CLIs pass it) and changes nothing.
"""

from __future__ import annotations

import argparse

from wizard.auth.signin import run_headless
from wizard.cli import signin_options
from wizard.output import Output


def run(args: argparse.Namespace) -> int:
    run_headless(args.provider, signin_options(args), Output(json_mode=args.json))
    return 0
