"""`openclaw models auth login --provider P`: a sign-in (headless driver), or storing a key.

Sign-in providers (openai-codex, OIDC providers): stdin need not be a terminal: the URL or device
code goes to stderr, a pasted redirect URL comes in on stdin, and --json streams events on stdout.
Login never opens a full-screen UI, in a terminal or not, so it is always what `--no-interactive`
asks for: the flag is accepted for compatibility (scripts written for the reference CLIs pass it)
and changes nothing.

API-key and token providers (openai-api-key, anthropic-api-key, anthropic): the key comes from
`--key @FILE | - | env:NAME`, else from stdin (typed without echo on a terminal), never as a
literal on the command line, and is stored as onboarding stores it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from wizard.errors import UsageError
from wizard.i18n import M, localize
from wizard.output import Output

if TYPE_CHECKING:
    from wizard.auth.providers import Provider


class _Stdin:
    """What reading a secret reference may use: the environment and stdin."""

    def __init__(self) -> None:
        self.environ = dict(os.environ)

    def read_stdin(self, who: str) -> str:
        if sys.stdin.isatty():
            raise ValueError(M("'-' reads stdin, but stdin is a terminal; use @FILE or env:NAME"))
        return sys.stdin.read()


def run(args: argparse.Namespace) -> int:
    from wizard.auth import providers

    provider = providers.get(args.provider)
    if provider.kind != "oauth":
        return store_key(args, provider)
    if args.key is not None:
        raise UsageError(M("--key is for API keys and tokens; {provider} is a sign-in", provider=provider.id),
                         hint=f"openclaw models auth login --provider {provider.id} [--method browser|device|paste]")
    from wizard.auth.signin import run_headless
    from wizard.cli import signin_options

    run_headless(provider.id, signin_options(args), Output(json_mode=args.json))
    return 0


def read_key(args: argparse.Namespace, label: str) -> str:
    from wizard.steps.kinds import secret_from_ref

    if args.key is not None:
        try:
            return secret_from_ref(args.key, "--key", _Stdin()).value
        except ValueError as exc:
            raise UsageError(M("--key: {problem}", problem=_reason(exc)), hint=M("nothing was changed")) from None
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(localize(M("{label} (input hidden): ", label=label))).strip()
    return sys.stdin.read().strip()


def store_key(args: argparse.Namespace, provider: Provider) -> int:
    from wizard.auth import access
    from wizard.auth import status as st

    key = read_key(args, provider.label)
    if not key:
        raise UsageError(M("no {label} given", label=provider.label),
                         hint=M("pipe it on stdin, or pass --key @FILE or --key env:NAME (e.g. --key env:{name}); "
                                "nothing was changed", name=provider.env_var or "MY_KEY"))
    row = access.store_key(provider, key)
    out = Output(json_mode=args.json)
    if args.json:
        out.document({"event": "stored", "profile": row.as_dict()})
    else:
        out.print(M("stored {profile} in {path} (mode 0600): {status}, {expiry}", profile=row.profile,
                    path=row.source, status=row.status, expiry=st.expiry_phrase(row)))
    return 0


def _reason(exc: ValueError) -> str:
    """What the ValueError says, as raised: str(exc) would turn a message back into English text."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
