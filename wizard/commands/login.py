"""`openclaw models auth login --provider P`: the one sign-in flow, headless driver.

stdin need not be a terminal: the URL or device code goes to stderr, a pasted
redirect URL comes in on stdin, and --json streams events on stdout.

Login never opens a full-screen UI, in a terminal or not, so it is always what
`--no-interactive` asks for: the flag is accepted for compatibility (scripts
written for the reference CLIs pass it) and changes nothing.
"""

from __future__ import annotations

from wizard.auth.signin import DEFAULT_TIMEOUT, SignInOptions, run_headless


def options_from(args) -> SignInOptions:
    return SignInOptions(
        method=getattr(args, "method", None) or "browser",
        browser=getattr(args, "browser", None),
        no_browser=bool(getattr(args, "no_browser", False)),
        callback_port=getattr(args, "callback_port", None),
        timeout=DEFAULT_TIMEOUT if getattr(args, "timeout", None) is None else args.timeout,
    )


def run(args) -> int:
    # args.no_interactive needs no reading: this driver is headless whatever it says (see the module docstring).
    run_headless(args.provider, options_from(args), json_mode=bool(getattr(args, "json", False)))
    return 0
