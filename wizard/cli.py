"""The command line: argparse (fast to import), handlers loaded lazily.

This layer turns argv and the environment into what the core takes (an OnboardRequest,
SignInOptions, plain values) and hands it on; nothing below it sees argparse. `onboard`'s
flags, choices and help are derived from the step definitions, built only when that command
runs or the shell asks for completions (importing the steps would cost every other command).

Shell completion is argcomplete's: the shell runs `openclaw` with `_ARGCOMPLETE` set on each
TAB, and only then is argcomplete imported (see wizard/commands/completion.py).

Help texts are messages (wizard.i18n.M: English str values, so an English parser is what it always
was). In Japanese, build_parser has wizard/argparse_ja.py give argparse its own words from our
catalog and show the built tree's texts in Japanese, wrapped by terminal cells; English never
imports that module. The language is chosen before any parser is built (main).
"""

from __future__ import annotations

import os
import sys

from wizard import __version__
from wizard.errors import EXIT_CANCELLED, WizardError
from wizard.i18n import M, language, localize

# Names for annotations only: `typing`, `argparse` and `collections` cost milliseconds at start-up,
# and `models auth status` never needs them (see _status_args). Type checkers read this block.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any

    from wizard.request import SignInOptions
    from wizard.steps.base import Field

    Handler = Callable[[argparse.Namespace], int]

SECRET_REF_HELP = M("(a secret: @FILE, - for stdin, or env:NAME; never the literal value)")
BROWSER_CHOICES = ("auto", "none", "default", "macos-open", "wsl-launch")  # wizard.auth.browser.NAMED_CHOICES
COMPLETION_SHELLS = ("bash", "zsh", "fish")
SUBCOMMAND_HELP = M("one of these; COMMAND --help shows its options")
COMMANDS = ("onboard", "models", "completion")  # in `openclaw --help`'s order
# The line to paste for each shell: code, the same in every language (placeholders of the help text).
COMPLETION_INSTALL = {"bash": 'eval "$(openclaw completion bash)"', "zsh": 'eval "$(openclaw completion zsh)"',
                      "fish": "openclaw completion fish > ~/.config/fish/completions/openclaw.fish"}
LANG_HELP = M("the language of messages for people: en or ja (default: from OPENCLAW_LANG, else LC_ALL, "
              "LC_MESSAGES, LANG; ja... is Japanese). Flags, keys, JSON and status words never change")

class ValuesCompleter:
    """A flag's values for shell completion, with their descriptions: one value, or (multi) a
    comma-separated list that grows by one value per TAB. Called only when the shell asks."""

    def __init__(self, values: dict[str, str], multi: bool = False):
        self.values = values
        self.multi = multi

    def __call__(self, prefix: str, **context: object) -> dict[str, str]:
        if not self.multi:
            return {v: localize(d) for v, d in self.values.items() if v.startswith(prefix)}
        done, _, last = prefix.rpartition(",")
        chosen = set(done.split(",")) if done else set()
        head = done + "," if done else ""
        matches = {head + v: localize(d) for v, d in self.values.items() if v not in chosen and v.startswith(last)}
        if len(matches) == 1 and len(chosen) + 1 < len(self.values):
            # A second candidate with the comma: the shell completes the value without ending the word,
            # so a list can go on growing.
            only = next(iter(matches))
            matches[only + ","] = localize(M("and more"))
        return matches


def _provider_completer(prefix: str, **context: object) -> dict[str, str]:
    from wizard.auth import providers
    from wizard.errors import WizardError

    try:
        known = providers.all_providers()
    except WizardError:  # a broken providers.toml: complete the built-in ones
        known = providers.BUILTIN
    return {pid: localize(provider.label) for pid, provider in known.items() if pid.startswith(prefix)}


def _complete_with(action: argparse.Action, completer: Callable[..., dict[str, str]]) -> argparse.Action:
    action.completer = completer  # type: ignore[attr-defined]  # argcomplete's hook on an argparse action
    return action


def _add_browser_flags(p: argparse.ArgumentParser, methods: Sequence[str] | None) -> None:
    """--method (for `models auth login`) and the flags every sign-in takes."""
    if methods is not None:
        p.add_argument("--method", choices=methods, metavar="|".join(methods),
                       help=M("how to sign in: browser (loopback callback, or paste the address you land on), "
                              "device code, or paste only (default: browser)"))
    _complete_with(p.add_argument(
        "--browser", metavar="B",
        help=M("which browser opens the sign-in page: {choices}|<command> (default: auto, which opens nothing "
               "over SSH or without a display; a command gets the URL appended, or in place of %%s)",
               choices="|".join(BROWSER_CHOICES))),
        ValuesCompleter({c: "" for c in BROWSER_CHOICES}))
    p.add_argument("--no-browser", action="store_true", help=M("never open a browser; print the URL"))
    p.add_argument("--callback-port", type=int, metavar="N",
                   help=M("loopback port for the browser's return (custom providers; openai-codex takes 1455 or 1457)"))
    p.add_argument("--timeout", type=float, metavar="S", help=M("seconds to wait for the sign-in (default 600)"))


def _add_interactive_flags(p: argparse.ArgumentParser, help: str) -> None:
    # Both spellings on both commands: the reference CLIs use one each, and scripts carry either.
    p.add_argument("--non-interactive", "--no-interactive", dest="non_interactive", action="store_true", help=help)


def _onboard_parser(sub: Any, full: bool) -> None:
    p = sub.add_parser("onboard", help=M("the seven-step setup wizard"),
                       description=M("Set up the OpenClaw gateway: config, channels, skills, hooks, agent, sign-in. "
                                     "A full-screen wizard in a terminal; headless otherwise (answers from flags, "
                                     "OPENCLAW_* env vars and --answers)."))
    p.set_defaults(handler="wizard.commands.onboard:run")
    if not full:
        return  # only `openclaw --help` lists it: the steps are not worth importing for that
    from wizard import steps

    step_names = {s.id: s.title for s in steps.STEPS}
    _complete_with(p.add_argument(
        "--step", metavar="NAME",
        help=M("open on this step; every other step keeps its values. One of: {steps}.",
               steps=", ".join(steps.STEP_IDS))),
        ValuesCompleter(step_names))
    _complete_with(p.add_argument(
        "--skip", metavar="STEPS",
        help=M("comma-separated steps to leave as the config has them. Any of: {steps}.",
               steps=", ".join(steps.STEP_IDS))),
        ValuesCompleter(step_names, multi=True))
    _add_interactive_flags(p, M("never prompt and never open the full-screen wizard (the headless driver; "
                                "also when stdin or stdout is not a terminal)"))
    p.add_argument("--tui", action="store_true", help=M("require the full-screen wizard (needs a terminal)"))
    p.add_argument("--answers", metavar="FILE", help=M("TOML answers file (one table per step)"))
    p.add_argument("--save-answers", metavar="FILE",
                   help=M("write the answers given to FILE (secrets as references)"))
    p.add_argument("--accept-defaults", action="store_true", help=M("use the default for every unanswered question"))
    p.add_argument("--dry-run", action="store_true", help=M("print the plan and write nothing"))
    p.add_argument("--json", action="store_true", help=M("stream JSON-lines events on stdout (headless)"))
    _add_browser_flags(p, methods=None)  # --method is the Authorization step's field
    group = p.add_argument_group(M("answers (also from OPENCLAW_* env vars and --answers)"))
    for fld in steps.all_fields():
        _add_field_flag(group, fld)


def _add_field_flag(group: argparse._ArgumentGroup, fld: Field) -> None:
    import argparse

    help_text = field_help(fld)
    if fld.kind.is_switch:
        group.add_argument(fld.flag, dest=fld.flag, action=argparse.BooleanOptionalAction, default=None,
                           help=help_text)
        return
    action = group.add_argument(fld.flag, dest=fld.flag, metavar=fld.metavar, help=help_text)
    if fld.options:
        _complete_with(action, ValuesCompleter({o.value: o.label for o in fld.options}, multi=fld.kind.name == "multi"))
    if fld.file_flag:
        label = localize(fld.label)
        # English names the thing mid-sentence in lower case; Japanese has no case (its ASCII words keep theirs).
        what = label.lower() if language() == "en" else label
        group.add_argument(fld.file_flag, dest=fld.file_flag, metavar="FILE",
                           help=localize(M("read {what} from FILE", what=what)))


def field_help(fld: Field) -> str:
    """A field's help on the command line, in the chosen language: what it is, its values, its env var.

    Shown as it is made (the parser is built after the language is chosen): its sentences come from the
    step definitions and are joined here, and a `%` in them is escaped for argparse."""
    parts = [_sentence(localize(fld.help))]
    if fld.flag_note:
        parts.append(localize(fld.flag_note))
    if fld.options:
        values = ", ".join(fld.option_values())
        parts.append(localize(M("One of: {values}.", values=values) if fld.kind.name == "choice"
                              else M("Any of: {values} (or none).", values=values)))
    if fld.kind.is_secret:
        parts.append(localize(SECRET_REF_HELP))
    parts.append(localize(M("[env {name}]", name=fld.env)))
    return _join_sentences(parts).replace("%", "%%")


def _sentence(text: str) -> str:
    """`text` ending in one full stop: `.` after English, `。` after Japanese."""
    text = text.rstrip(".")
    if text.endswith("。"):
        return text
    return text + ("." if text[-1:].isascii() else "。")


def _join_sentences(parts: list[str]) -> str:
    """Sentences one after another: a space between English ones, none where Japanese meets anything."""
    joined = parts[0]
    for part in parts[1:]:
        joined += " " + part if joined[-1:].isascii() and part[:1].isascii() else part
    return joined


def _models_parser(sub: Any) -> None:
    models = sub.add_parser("models", help=M("model credentials and catalog"))
    msub = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True, help=SUBCOMMAND_HELP)

    auth = msub.add_parser("auth", help=M("sign in, check, refresh, sign out"))
    asub = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True, help=SUBCOMMAND_HELP)

    from wizard.auth.methods import NAMES

    login = asub.add_parser("login", help=M("sign in to a provider, or store its API key"))
    provider_help = M("the provider: openai-codex (Sign in with ChatGPT), openai-api-key (alias openai), "
                      "anthropic-api-key, anthropic, or one from providers.toml")
    _complete_with(login.add_argument("--provider", required=True, metavar="P", help=provider_help),
                   _provider_completer)
    login.add_argument("--key", metavar="REF",
                       help=M("for API-key and token providers: the key as @FILE, - (stdin) or env:NAME "
                              "(default: read stdin; never the literal value)"))
    _add_interactive_flags(login, M("accepted for scripts written for other CLIs: login never opens a full-screen "
                                    "UI and never prompts for a sign-in (it reads a pasted address on stdin, if one "
                                    "comes)"))
    login.add_argument("--json", action="store_true", help=M("stream JSON-lines events on stdout"))
    _add_browser_flags(login, methods=NAMES)
    login.set_defaults(handler="wizard.commands.login:run")

    status = asub.add_parser("status", help=M("one row per credential profile"))
    status.add_argument("--provider", metavar="P", help=M("only this provider's profiles, with a detail block"))
    status.add_argument("--json", action="store_true", help=M("print the status as one JSON document"))
    status.add_argument("--check", action="store_true", help=M("exit 0 ok, 1 expired or missing, 2 expiring"))
    status.set_defaults(handler="wizard.commands.models:auth_status")

    refresh = asub.add_parser("refresh", help=M("refresh the stored OAuth tokens now"))
    refresh.add_argument("--provider", required=True, metavar="P", help=M("the provider whose sign-in to refresh"))
    refresh.add_argument("--profile", metavar="NAME", default="default", help=M("the profile name (default: default)"))
    refresh.add_argument("--json", action="store_true", help=M("print the result as JSON"))
    refresh.set_defaults(handler="wizard.commands.models:auth_refresh")

    logout = asub.add_parser("logout", help=M("revoke at the provider, then delete locally"))
    logout.add_argument("--provider", required=True, metavar="P", help=M("the provider to sign out of"))
    logout.add_argument("--json", action="store_true", help=M("print the result as JSON"))
    logout.set_defaults(handler="wizard.commands.models:auth_logout")

    imp = asub.add_parser("import", help=M("store credentials from a JSON file, stdin or the Codex CLI"))
    imp.add_argument("--provider", required=True, metavar="P", help=M("the provider the credentials are for"))
    src = imp.add_mutually_exclusive_group(required=True)
    src.add_argument("--file", metavar="F", help=M("JSON file in the credential shape, or - for stdin"))
    src.add_argument("--from-codex-cli", action="store_true", help=M("copy $CODEX_HOME/auth.json"))
    src.add_argument("stdin", nargs="?", choices=["-"], help=M("read the JSON from stdin"))
    imp.add_argument("--yes", action="store_true", help=M("skip the confirmation for --from-codex-cli"))
    imp.add_argument("--json", action="store_true", help=M("print the result as JSON"))
    imp.set_defaults(handler="wizard.commands.models:auth_import")

    mstatus = msub.add_parser("status", help=M("default model, auth order and credential status"))
    mstatus.add_argument("--json", action="store_true", help=M("print the status as one JSON document"))
    mstatus.add_argument("--check", action="store_true", help=M("exit 0 ok, 1 expired or missing, 2 expiring"))
    mstatus.set_defaults(handler="wizard.commands.models:models_status")

    mlist = msub.add_parser("list", help=M("the model catalog with auth state"))
    mlist.add_argument("--provider", metavar="P", help=M("only models this provider serves"))
    mlist.add_argument("--json", action="store_true", help=M("print the catalog as one JSON document"))
    mlist.set_defaults(handler="wizard.commands.models:models_list")

    invoke = msub.add_parser("invoke", help=M("send one prompt with the stored credentials"))
    invoke.add_argument("--provider", metavar="P", help=M("the provider to call (default: the one serving the model)"))
    invoke.add_argument("--model", metavar="M",
                        help=M("the model, e.g. openai-codex/gpt-5.2 (default: the config's default model)"))
    invoke.add_argument("--prompt", required=True, metavar="TEXT", help=M("the prompt to send"))
    invoke.add_argument("--json", action="store_true", help=M("print the reply as JSON"))
    invoke.set_defaults(handler="wizard.commands.models:invoke")
    for command in (status, refresh, logout, imp, mlist, invoke):  # login's is set where it is made
        for action in command._actions:
            if action.dest == "provider":
                _complete_with(action, _provider_completer)


def _completion_parser(sub: Any) -> None:
    import argparse

    p = sub.add_parser("completion", help=M("print shell completion code: bash, zsh or fish"),
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description=M("Print the code that makes SHELL complete openclaw's commands, flags and "
                                     "values.\nInstall it with one line:\n\n"
                                     "  bash  {bash}   # in ~/.bashrc\n"
                                     "  zsh   {zsh}    # in ~/.zshrc, after compinit\n"
                                     "  fish  {fish}", **COMPLETION_INSTALL))
    p.add_argument("shell", choices=COMPLETION_SHELLS, metavar="SHELL",
                   help=M("the shell to print code for: {shells}", shells=", ".join(COMPLETION_SHELLS)))
    p.set_defaults(handler="wizard.commands.completion:run")


def build_parser(argv: Sequence[str] | None = None, *, full: bool | None = None) -> argparse.ArgumentParser:
    """The command tree; `onboard`'s field flags only when `full` (default: when argv runs onboard).

    When argv names a command (and `full` is not given), only that command's sub-tree is built: the
    others show only in `openclaw --help` and in an unknown command's error, and those argvs name none."""
    import argparse

    japanese = language() == "ja"
    if japanese:
        from wizard import argparse_ja

        argparse_ja.install()  # before the parsers are made: they take some of argparse's words when made
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="openclaw", description=M("OpenClaw gateway command line: the setup "
                                                                    "wizard, model sign-ins and shell completion."))
    parser.add_argument("--version", action="version", version=f"openclaw {__version__}",
                        help=M("print the version and exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help=SUBCOMMAND_HELP)
    named = argv[0] if argv and argv[0] in COMMANDS else None
    for command in COMMANDS if full is not None or named is None else (named,):
        if command == "onboard":
            _onboard_parser(sub, full=named == "onboard" if full is None else full)
        elif command == "models":
            _models_parser(sub)
        else:
            _completion_parser(sub)
    _add_lang_flag(parser)
    if japanese:
        argparse_ja.localize_tree(parser)
    return parser


def _add_lang_flag(parser: argparse.ArgumentParser) -> None:
    """`--lang` on every command's help. main() takes it out of argv before parsing (take_language), so
    it works anywhere on the line; here it is only shown."""
    parser.add_argument("--lang", metavar="LANG", help=LANG_HELP)
    for action in parser._actions:
        for child in (getattr(action, "choices", None) or {}).values() if action.nargs == "A..." else ():
            _add_lang_flag(child)


def take_language(argv: list[str]) -> tuple[list[str], str | None]:
    """(argv without `--lang L` / `--lang=L`, L or None): every command takes it, anywhere before `--`."""
    rest: list[str] = []
    flag = None
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            rest += argv[index:]
            break
        if word == "--lang" and index + 1 < len(argv):
            flag, index = argv[index + 1], index + 2
            continue
        if word.startswith("--lang="):
            flag, index = word.partition("=")[2], index + 1
            continue
        rest.append(word)
        index += 1
    return rest, flag


def signin_options(args: argparse.Namespace) -> SignInOptions:
    """The sign-in flags, as both `onboard` and `models auth login` take them."""
    from wizard.request import DEFAULT_SIGN_IN_TIMEOUT, SignInOptions

    return SignInOptions(
        method=getattr(args, "method", None) or "browser",
        browser=args.browser,
        no_browser=bool(args.no_browser),
        callback_port=args.callback_port,
        timeout=DEFAULT_SIGN_IN_TIMEOUT if args.timeout is None else args.timeout,
    )


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> None:
    """SIGTERM stops a command as Ctrl-C does (KeyboardInterrupt: nothing half-written, exit 130)."""
    # Through `_signal`, the C module under `signal` that the interpreter loads at start: importing
    # `signal` builds its enums, and enum alone costs a third of the interpreter's start.
    signals = sys.modules.get("_signal") or __import__("signal")
    signals.signal(signals.SIGTERM, _raise_keyboard_interrupt)


def _load_handler(spec: str) -> Handler:
    from importlib import import_module

    module, name = spec.split(":")
    handler: Handler = getattr(import_module(module), name)
    return handler


class StatusArgs:
    """What argparse makes of a read-only status command, without argparse: `models auth status
    [--provider P] [--json] [--check]` or `models status [--json] [--check]`."""

    def __init__(self, handler: str) -> None:
        self.handler = handler  # a function of wizard.commands.models
        self.provider: str | None = None
        self.json = False
        self.check = False


# The status commands scripts and prompts run most, and the flags each takes (beyond --json, --check).
_STATUS_COMMANDS = ((("models", "auth", "status"), "auth_status", True),
                    (("models", "status"), "models_status", False))


def _status_args(argv: list[str]) -> StatusArgs | None:
    """A status command's arguments when argv is exactly one with its flags spelled out in full; None for
    anything else (-h, an abbreviation, an unknown flag, a value that looks like a flag), which argparse
    then parses, helps with and complains about as for every command.

    They run on most prompts and scripts: building the command tree (argparse, gettext, every
    sub-parser) would cost more than the command itself."""
    for words, handler, takes_provider in _STATUS_COMMANDS:
        if tuple(argv[:len(words)]) == words:
            return _status_flags(StatusArgs(handler), argv[len(words):], takes_provider)
    return None


def _status_flags(args: StatusArgs, flags: list[str], takes_provider: bool) -> StatusArgs | None:
    rest = iter(flags)
    for arg in rest:
        if arg == "--json":
            args.json = True
        elif arg == "--check":
            args.check = True
        elif takes_provider and arg.startswith("--provider="):
            args.provider = arg.partition("=")[2]
        elif takes_provider and arg == "--provider":
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            args.provider = value
        else:
            return None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    _stop_on_sigterm()
    argv, lang = take_language(list(sys.argv[1:] if argv is None else argv))
    from wizard import i18n

    i18n.use(i18n.choose(lang, os.environ))
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (TAB): answer and exit
        from wizard.commands.completion import complete

        complete(build_parser(full=True))  # descriptions in the language the environment chose
    args: argparse.Namespace | StatusArgs | None = _status_args(argv)
    if args is None:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
    from wizard.output import Output

    out = Output(json_mode=bool(getattr(args, "json", False)))
    try:
        if isinstance(args, StatusArgs):
            from wizard.commands import models

            return int(getattr(models, args.handler)(args))
        return int(_load_handler(args.handler)(args) or 0)
    except WizardError as exc:
        out.error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        out.say(M("\ncancelled: nothing was written"))
        return EXIT_CANCELLED
    except BrokenPipeError:
        return 1
