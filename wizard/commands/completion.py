"""`openclaw completion bash|zsh|fish`: shell code that asks `openclaw` itself for completions.

argcomplete, a library made for argparse, does the work: the printed code runs `openclaw`
with `_ARGCOMPLETE` and the command line in the environment on each TAB, and `wizard.cli.main`
then calls `complete` with the full parser (onboard's field flags and their values included).
So completions always match the installed version, and argcomplete is imported only here:
never on an ordinary run.
"""

from __future__ import annotations

import argparse
import sys

EXECUTABLE = "openclaw"


def run(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    sys.stdout.write(shellcode([EXECUTABLE], shell=args.shell))
    return 0


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request on the descriptor it gave, then exit the process."""
    import argcomplete

    # Options are offered once "-" is typed, so `openclaw <TAB>` lists the commands alone.
    argcomplete.autocomplete(parser, always_complete_options=False)
