"""Commands import only what they use (issue 12: `models auth status` <= 2.5x `python -c pass`).

The installed script runs under `-X importtime`, which lists every module a process imports; the
modules a bare `python -c pass` imports in the same environment are the floor. What the command
adds must be ours alone when nothing is stored: no argparse (the command tree), no pathlib, no
tomllib, no typing, no re or enum (pip's entry-point wrapper imports re: the script is a plain one).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import OPENCLAW
from wizard.cli import StatusArgs, _status_args, build_parser

# What `models auth status` never loads, whatever its flags (each costs a noticeable part of the
# interpreter's own start); with nothing stored and no --json it loads nothing but our modules.
NEVER = {"argparse", "pathlib", "tomllib", "typing", "signal", "importlib", "datetime", "gettext", "locale",
         "shutil", "urllib", "ipaddress", "fnmatch", "dataclasses", "inspect", "textual", "rich", "httpx2", "httpx",
         "authlib", "tomlkit", "filelock", "keyring"}


def imported(argv: list[str], env: dict) -> set[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, env=env,
                            timeout=60, check=False)
    assert result.returncode in (0, 1), result.stderr  # --check says 1 for a missing sign-in
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
            and not line.rstrip().endswith("| cumulative | imported package")}


def beyond_the_floor(argv: list[str], env: dict) -> set[str]:
    return imported(argv, env) - imported(["-c", "pass"], env)


def test_status_with_an_empty_state_dir_loads_only_our_own_modules(cli_env: dict) -> None:
    assert OPENCLAW.exists(), "install the package (pip install -e .) so that the `openclaw` script exists"
    added = beyond_the_floor([str(OPENCLAW), "models", "auth", "status"], cli_env)
    assert "wizard.commands.models" in added  # the probe is real: the command ran under it
    top_level = {name.split(".")[0] for name in added}
    assert not top_level & NEVER, sorted(top_level & NEVER)
    assert top_level <= {"wizard", "__future__", "errno"}, sorted(top_level)


def test_status_in_japanese_reads_its_catalog_without_gettext_re_or_enum(cli_env: dict) -> None:
    """Japanese costs one catalog read: not the gettext module (with re, enum and functools about 6 ms,
    a quarter of the command); unicodedata measures the table's cells."""
    env = {**cli_env, "LANG": "ja_JP.UTF-8"}
    added = beyond_the_floor([str(OPENCLAW), "models", "auth", "status"], env)
    assert "wizard.commands.models" in added
    top_level = {name.split(".")[0] for name in added}
    assert not top_level & (NEVER | {"re", "enum", "functools"}), sorted(top_level & (NEVER | {"re", "enum"}))
    assert top_level <= {"wizard", "__future__", "errno", "unicodedata", "struct", "_struct"}, sorted(top_level)


@pytest.mark.parametrize("flags", [["--json"], ["--check"], ["--provider", "openai-codex", "--json", "--check"],
                                   ["--provider=openai-api-key"]])
def test_status_flags_keep_it_lean(cli_env: dict, flags: list[str]) -> None:
    added = beyond_the_floor([str(OPENCLAW), "models", "auth", "status", *flags], cli_env)
    top_level = {name.split(".")[0] for name in added}
    assert "wizard" in top_level and not top_level & NEVER, sorted(top_level & NEVER)
    if "--json" not in flags:  # JSON is written with json (which loads re)
        assert top_level <= {"wizard", "__future__", "errno"}, sorted(top_level)


def test_a_config_file_or_a_credential_loads_what_reading_them_needs(cli_env: dict, state_dir: Path) -> None:
    (state_dir / "openclaw.toml").write_text('[models]\nauth_order = ["openai-codex:default"]\n')
    added = beyond_the_floor([str(OPENCLAW), "models", "auth", "status"], cli_env)
    assert "tomllib" in added and "argparse" not in added and "pathlib" not in added


# A headless onboarding (issue 12: <= 5x `python -c pass`) reads no TOML and builds its steps from plain
# classes: these cost more than its own work. (argparse, re, json and pathlib it needs.)
ONBOARDING_NEVER = {"dataclasses", "inspect", "typing", "tomllib", "tomlkit", "copy", "subprocess", "datetime",
                    "textual", "rich", "httpx2", "httpx", "authlib", "secrets", "tempfile"}


def test_a_default_onboarding_loads_no_dataclasses_typing_or_toml_reader(cli_env: dict) -> None:
    added = beyond_the_floor([str(OPENCLAW), "onboard", "--non-interactive", "--flow", "quickstart", "--accept-risk",
                              "--accept-defaults", "--auth-choice", "skip"], cli_env)
    assert "wizard.plan" in added and "wizard.steps.skills" in added  # the probe is real: it onboarded
    top_level = {name.split(".")[0] for name in added}
    assert not top_level & ONBOARDING_NEVER, sorted(top_level & ONBOARDING_NEVER)


def test_a_japanese_onboarding_loads_no_line_breaking_it_does_not_print(cli_env: dict) -> None:
    """Japanese help wraps with the kinsoku rules (wizard/linebreak.py): a run that prints no help never
    loads them (their first version compiled a character class at import, about 14 ms a run)."""
    added = beyond_the_floor([str(OPENCLAW), "onboard", "--non-interactive", "--flow", "quickstart", "--accept-risk",
                              "--accept-defaults", "--auth-choice", "skip"], {**cli_env, "LANG": "ja_JP.UTF-8"})
    assert "wizard.plan" in added and "wizard.argparse_ja" in added  # the probe is real: it onboarded in Japanese
    assert "wizard.linebreak" not in added
    top_level = {name.split(".")[0] for name in added}
    assert not top_level & ONBOARDING_NEVER, sorted(top_level & ONBOARDING_NEVER)


# --------------------------------------------------------------------------- the fast path parses as argparse


def as_argparse(argv: list[str]) -> argparse.Namespace | None:
    try:
        return build_parser(argv).parse_args(argv)
    except SystemExit:
        return None


@pytest.mark.parametrize("argv, expected", [
    ([], (None, False, False)),
    (["--json"], (None, True, False)),
    (["--check", "--json", "--check"], (None, True, True)),
    (["--provider", "openai"], ("openai", False, False)),
    (["--provider=openai-codex", "--json"], ("openai-codex", True, False)),
    (["--provider", "a", "--provider", "b"], ("b", False, False)),
    (["--provider="], ("", False, False)),
    (["--provider", ""], ("", False, False)),
    (["--provider=--json"], ("--json", False, False)),
])
def test_the_fast_path_takes_the_full_spellings(argv: list[str], expected: tuple) -> None:
    args = _status_args(["models", "auth", "status", *argv])
    assert isinstance(args, StatusArgs) and args.handler == "auth_status"
    assert (args.provider, args.json, args.check) == expected
    if "--provider" not in " ".join(argv):
        args = _status_args(["models", "status", *argv])
        assert isinstance(args, StatusArgs) and args.handler == "models_status"
        assert (args.json, args.check) == expected[1:]


@pytest.mark.parametrize("argv", [
    ["-h"], ["--help"], ["--js"], ["--prov", "x"], ["--provider"], ["--provider", "--json"], ["--provider", "-x"],
    ["--json=1"], ["extra"], ["--"], ["--provider", "x", "--unknown"],
])
def test_anything_else_goes_to_argparse(argv: list[str]) -> None:
    assert _status_args(["models", "auth", "status", *argv]) is None
    assert _status_args(["models", "status", *argv]) is None


def test_other_commands_go_to_argparse() -> None:
    for argv in (["models", "status", "--provider", "x"], ["models", "auth"], ["--version"], ["models", "list"],
                 ["models", "auth", "login"], ["models"], []):
        assert _status_args(argv) is None


TOKENS = ["--json", "--check", "--provider", "--provider=", "--provider=x", "openai", "", "-x", "-1", "--", "-h",
          "--prov", "--js", "x=y", "--provider=-y"]


@given(st.sampled_from([["models", "auth", "status"], ["models", "status"]]),
       st.lists(st.sampled_from(TOKENS), max_size=6))
def test_whatever_the_fast_path_takes_argparse_reads_the_same(command: list[str], rest: list[str]) -> None:
    argv = [*command, *rest]
    fast = _status_args(argv)
    if fast is None:
        return
    parsed = as_argparse(argv)
    assert parsed is not None, argv
    assert parsed.handler == f"wizard.commands.models:{fast.handler}"
    assert (fast.json, fast.check) == (parsed.json, parsed.check)
    assert fast.provider == getattr(parsed, "provider", None)


# --------------------------------------------------------------------------- one command's parser


def parse_outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple:
    """What parsing argv does: the namespace (handler and values), or the exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            namespace = vars(parser.parse_args(argv))
        except SystemExit as exc:
            return ("exit", exc.code, out.getvalue(), err.getvalue())
    return ("parsed", sorted(namespace.items()), out.getvalue(), err.getvalue())


@pytest.mark.parametrize("argv", [
    ["onboard", "--help"], ["onboard", "--bogus"], ["onboard", "--version"], ["onboard", "--flow"],
    ["onboard", "--accept-defaults", "--flow", "quickstart", "--skip", "hooks"], ["onboard", "extra"],
    ["models"], ["models", "--help"], ["models", "auth"], ["models", "auth", "nope"], ["models", "auth", "-h"],
    ["models", "auth", "status", "--bad"], ["models", "auth", "login"], ["models", "status", "--json", "x"],
    ["models", "list", "--provider"], ["models", "auth", "import", "--provider", "x"],
    ["completion"], ["completion", "tcsh"], ["completion", "-h"], ["completion", "bash"],
])
def test_a_named_commands_tree_alone_parses_as_the_whole_tree(monkeypatch: pytest.MonkeyPatch,
                                                              argv: list[str]) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    alone = build_parser(argv)
    names = [a for a in alone._subparsers._group_actions[0].choices]  # type: ignore[union-attr]
    assert names == [argv[0]]  # the probe is real: only the named command was built
    whole = build_parser(argv, full=argv[0] == "onboard")
    assert parse_outcome(alone, argv) == parse_outcome(whole, argv)


def test_no_command_or_an_unknown_one_builds_the_whole_tree() -> None:
    for argv in ([], ["--help"], ["bogus"], ["--version"]):
        names = list(build_parser(argv)._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
        assert names == ["onboard", "models", "completion"]


# --------------------------------------------------------------------------- the TUI's first screen

# Until the first screen is on screen (issue 12: first paint <= 1.5x the Textual import), the TUI loads
# that screen's modules only: the sign-in, review, done and quit screens load when first shown.
FIRST_SCREEN = """
import asyncio, sys
from screens.app import OnboardApp
from wizard.cli import build_parser
from wizard.commands.onboard import request_from
from wizard.onboarding import new_machine

argv = ["onboard", "--tui", "--auth-choice", "openai-codex", "--no-browser"]
request = request_from(build_parser(argv).parse_args(argv))
app = OnboardApp(new_machine(request), request)

async def first_screen() -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(app.screen.position)

asyncio.run(first_screen())
print(" ".join(sorted(name for name in sys.modules if name.startswith("screens"))))
"""
LATER_SCREENS = {"screens.signin_screen", "screens.signin_panel", "screens.review", "screens.done",
                 "screens.quit_modal"}


def test_the_first_screen_loads_no_other_screens_module(cli_env: dict) -> None:
    result = subprocess.run([sys.executable, "-c", FIRST_SCREEN], capture_output=True, text=True, timeout=60,
                            env={**cli_env, "OPENCLAW_NO_TTY_CHECK": "1"}, check=False)
    assert result.returncode == 0, result.stderr
    position, modules = result.stdout.splitlines()[-2:]
    assert position == "authorization" and "screens.step_screen" in modules.split()  # the probe is real
    assert not LATER_SCREENS & set(modules.split()), sorted(LATER_SCREENS & set(modules.split()))
