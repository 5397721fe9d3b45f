"""The command tree. Parsing is argparse (fast to import); handlers load lazily.

This module decides nothing about the UI itself: `onboard` picks TUI or
headless in wizard.commands.onboard, before Textual could be imported.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from wizard import __version__
from wizard.errors import EXIT_CANCELLED, WizardError

SECRET_REF_HELP = "(a secret: @FILE, - for stdin, or env:NAME; never the literal value)"


def _add_browser_flags(p: argparse.ArgumentParser, keep: bool = False) -> None:
    methods = ["keep", "browser", "device", "paste"] if keep else ["browser", "device", "paste"]
    p.add_argument("--method", choices=methods,
                   help="how to sign in: browser (loopback callback), device code, or paste the redirect URL"
                        + ("; keep uses the sign-in already stored" if keep else ""))
    p.add_argument("--browser", metavar="B",
                   help="auto|none|default|macos-open|wsl-launch|<command> (default: auto)")
    p.add_argument("--no-browser", action="store_true", help="never open a browser; print the URL")
    p.add_argument("--callback-port", type=int, metavar="N", help="loopback callback port (custom providers)")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for sign-in (default 600)")


def _onboard_parser(sub, with_fields: bool) -> None:
    p = sub.add_parser("onboard", help="the seven-step setup wizard",
                       description="Set up the OpenClaw gateway: config, channels, skills, hooks, agent, sign-in.")
    p.add_argument("--auth-choice", metavar="C",
                   help="go straight to Authorization with this choice: openai-codex, openai-api-key, "
                        "anthropic-api-key, token, skip")
    p.add_argument("--step", metavar="NAME", help="start at this step (quickstart, existing, channels, skills, "
                                                  "hooks, hatch, authorization)")
    p.add_argument("--skip", metavar="STEPS", help="comma-separated steps to leave as the config has them")
    p.add_argument("--flow", choices=["quickstart", "manual"])
    p.add_argument("--accept-risk", action="store_true", default=None,
                   help="acknowledge that the gateway runs agents with access to this machine")
    p.add_argument("--non-interactive", action="store_true", help="never prompt; use the headless driver")
    p.add_argument("--tui", action="store_true", help="require the full-screen wizard (needs a terminal)")
    p.add_argument("--answers", metavar="FILE", help="TOML answers file (one table per step)")
    p.add_argument("--save-answers", metavar="FILE", help="write the answers given to FILE (secrets as references)")
    p.add_argument("--accept-defaults", action="store_true", help="use the default for every unanswered question")
    p.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    p.add_argument("--json", action="store_true", help="stream JSON-lines events on stdout (headless)")
    _add_browser_flags(p, keep=True)
    p.set_defaults(handler="wizard.commands.onboard:run")
    if with_fields:
        _add_field_flags(p)


def _add_field_flags(p: argparse.ArgumentParser) -> None:
    """One flag per step field; only built for `onboard` (importing the steps costs the other commands)."""
    fields = p.add_argument_group("answers (also from OPENCLAW_* env vars and --answers)")
    from wizard.steps import all_fields

    fields.add_argument("--token-file", metavar="FILE", help="read the API key or token from FILE")
    for fld in all_fields():
        if fld.flag in {"--flow", "--accept-risk", "--auth-choice", "--method"}:
            continue
        help_text = fld.help + (f" {SECRET_REF_HELP}" if fld.kind == "secret" else "")
        if fld.kind == "bool":
            fields.add_argument(fld.flag, dest=fld.dest, action=argparse.BooleanOptionalAction,
                                default=None, help=help_text)
        else:
            fields.add_argument(fld.flag, dest=fld.dest, metavar=fld.metavar, help=help_text)


def _models_parser(sub) -> None:
    models = sub.add_parser("models", help="model credentials and catalog")
    msub = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True)

    auth = msub.add_parser("auth", help="sign in, check, refresh, sign out")
    asub = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)

    login = asub.add_parser("login", help="sign in to a provider")
    login.add_argument("--provider", required=True, metavar="P")
    login.add_argument("--no-interactive", action="store_true",
                       help="accepted for compatibility: login never opens a full-screen UI (it always runs "
                            "headless: the URL or code on stderr, a pasted redirect URL on stdin)")
    login.add_argument("--json", action="store_true", help="stream JSON-lines events on stdout")
    _add_browser_flags(login)
    login.set_defaults(handler="wizard.commands.login:run")

    status = asub.add_parser("status", help="one row per credential profile")
    status.add_argument("--provider", metavar="P")
    status.add_argument("--json", action="store_true")
    status.add_argument("--check", action="store_true", help="exit 0 ok, 1 expired or missing, 2 expiring")
    status.set_defaults(handler="wizard.commands.models:auth_status")

    refresh = asub.add_parser("refresh", help="refresh the stored OAuth tokens now")
    refresh.add_argument("--provider", required=True, metavar="P")
    refresh.add_argument("--profile", metavar="NAME", default="default")
    refresh.add_argument("--json", action="store_true")
    refresh.set_defaults(handler="wizard.commands.models:auth_refresh")

    logout = asub.add_parser("logout", help="revoke at the provider, then delete locally")
    logout.add_argument("--provider", required=True, metavar="P")
    logout.add_argument("--json", action="store_true")
    logout.set_defaults(handler="wizard.commands.models:auth_logout")

    imp = asub.add_parser("import", help="store credentials from a JSON file, stdin or the Codex CLI")
    imp.add_argument("--provider", required=True, metavar="P")
    src = imp.add_mutually_exclusive_group(required=True)
    src.add_argument("--file", metavar="F", help="JSON file in the credential shape, or - for stdin")
    src.add_argument("--from-codex-cli", action="store_true", help="copy $CODEX_HOME/auth.json")
    src.add_argument("stdin", nargs="?", choices=["-"], help="read the JSON from stdin")
    imp.add_argument("--yes", action="store_true", help="skip the confirmation for --from-codex-cli")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler="wizard.commands.models:auth_import")

    mstatus = msub.add_parser("status", help="default model, auth order and credential status")
    mstatus.add_argument("--json", action="store_true")
    mstatus.add_argument("--check", action="store_true", help="exit 0 ok, 1 expired or missing, 2 expiring")
    mstatus.set_defaults(handler="wizard.commands.models:models_status")

    mlist = msub.add_parser("list", help="the model catalog with auth state")
    mlist.add_argument("--provider", metavar="P")
    mlist.add_argument("--json", action="store_true")
    mlist.set_defaults(handler="wizard.commands.models:models_list")

    invoke = msub.add_parser("invoke", help="send one prompt with the stored credentials")
    invoke.add_argument("--provider", required=True, metavar="P")
    invoke.add_argument("--model", required=True, metavar="M")
    invoke.add_argument("--prompt", required=True, metavar="TEXT")
    invoke.add_argument("--json", action="store_true")
    invoke.set_defaults(handler="wizard.commands.models:invoke")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="openclaw", description="OpenClaw gateway command line.")
    parser.add_argument("--version", action="version", version=f"openclaw {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _onboard_parser(sub, with_fields=bool(argv) and argv[0] == "onboard")
    _models_parser(sub)
    return parser


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def _load_handler(spec: str):
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return int(_load_handler(args.handler)(args) or 0)
    except WizardError as exc:
        report_error(exc, json_mode=getattr(args, "json", False))
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ncancelled: nothing was written", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        return 1


def report_error(exc: WizardError, *, json_mode: bool) -> None:
    if json_mode:
        import json

        print(json.dumps({"event": "error", **exc.as_dict()}), flush=True)
    print(exc.render(), file=sys.stderr)
