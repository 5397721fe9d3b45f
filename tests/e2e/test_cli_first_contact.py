"""First contact on the command line: help, listed values, both spellings of non-interactive, shell completion.

The completion tests drive the real shells with the code `openclaw completion SHELL` prints: bash calls the
completion function as it does on TAB, zsh runs its completion system in a pseudo-terminal, fish answers
`complete -C`. Where a shell is not installed, the same request is made the way that shell's code makes it
(its environment variables), so the program's side is tested everywhere.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OPENCLAW, openclaw_argv
from wizard import steps
from wizard.cli import BROWSER_CHOICES, COMPLETION_SHELLS, build_parser, field_help

BIN = str(Path(OPENCLAW).parent if OPENCLAW.exists() else Path(sys.executable).parent)


def sub_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("openclaw",)):
    """Every parser in the tree with its command path."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from sub_parsers(child, (*path, name))


def full_tree() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    return list(sub_parsers(build_parser(full=True)))


# --------------------------------------------------------------------------- help

def test_bare_openclaw_prints_help_and_exits_0(run_cli):
    result = run_cli()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: openclaw")
    for command in ("onboard", "models", "completion"):
        assert command in result.stdout
    assert result.stderr == ""


def test_every_option_of_every_command_has_help():
    tree = full_tree()
    assert {" ".join(path) for path, _ in tree} >= {"openclaw onboard", "openclaw models auth login",
                                                    "openclaw completion", "openclaw models invoke"}
    missing = []
    for path, parser in tree:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{' '.join(path)} {choice.dest}" for choice in action._choices_actions
                            if not choice.help]
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{' '.join(path)} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
    onboard = dict(tree)[("openclaw", "onboard")]
    assert len(onboard._actions) > 40  # the field flags are there: the walk saw the full parser


def test_the_flags_the_issue_named_have_help(run_cli):
    help_text = " ".join(run_cli("onboard", "--help").stdout.split())
    for flag, words in {"--flow": "QuickStart accepts", "--json": "JSON-lines", "--model": "The model the agent uses",
                        "--auth-choice": "How OpenClaw reaches a model"}.items():
        assert f"{flag} " in help_text and words in help_text, flag
    invoke = " ".join(run_cli("models", "invoke", "--help").stdout.split())
    assert "--provider P the provider to call" in invoke and "--prompt TEXT the prompt to send" in invoke


def test_every_choice_field_lists_its_values_from_the_step_definitions(run_cli):
    help_text = " ".join(run_cli("onboard", "--help").stdout.split()).replace("- ", "-")
    fields = [f for f in steps.all_fields() if f.options]
    assert {f.flag for f in fields} >= {"--channels", "--skills", "--hooks", "--auth-choice", "--flow",
                                        "--gateway-bind", "--method"}
    for fld in fields:
        listed = field_help(fld)
        assert all(value in listed for value in fld.option_values()), fld.flag
        assert ", ".join(fld.option_values()) in help_text, fld.flag
    steps_listed = ", ".join(steps.STEP_IDS)
    assert f"--step NAME open on this step; every other step keeps its values. One of: {steps_listed}." in help_text
    assert f"Any of: {steps_listed}." in help_text.split("--skip STEPS", 1)[1]


def test_login_lists_its_methods_and_browser_choices(run_cli):
    from wizard.auth.browser import NAMED_CHOICES
    from wizard.auth.methods import NAMES

    assert BROWSER_CHOICES == NAMED_CHOICES
    help_text = " ".join(run_cli("models", "auth", "login", "--help").stdout.split())
    assert f"--method {'|'.join(NAMES)}" in help_text
    assert "|".join(NAMED_CHOICES) + "|<command>" in help_text


# --------------------------------------------------------------------------- both spellings, both commands

@pytest.mark.parametrize("spelling", ["--non-interactive", "--no-interactive"])
def test_onboard_takes_both_spellings(run_cli, state_dir, spelling):
    result = run_cli("onboard", spelling, "--accept-risk", "--accept-defaults", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "running headless (--non-interactive)" in result.stderr


@pytest.mark.parametrize("spelling", ["--non-interactive", "--no-interactive"])
def test_login_takes_both_spellings(run_cli, spelling):
    # An unknown provider stops the login before any network: the flag itself was accepted.
    result = run_cli("models", "auth", "login", "--provider", "nope", spelling)
    assert result.returncode == 2
    assert "unrecognized arguments" not in result.stderr
    assert "INVALID_PROVIDER" in result.stderr and "openai-codex" in result.stderr


# --------------------------------------------------------------------------- completion

def completion_code(run_cli, shell: str) -> str:
    result = run_cli("completion", shell)
    assert result.returncode == 0, result.stderr
    return result.stdout


def shell_env(cli_env: dict) -> dict:
    env = dict(cli_env)
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


BASH_COMPLETE = r'''
source "$1"
line="$2"
read -ra COMP_WORDS <<< "$line"
[[ "$line" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$line"; COMP_POINT=${#line}; COMP_TYPE=9
_python_argcomplete openclaw "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''


def bash_complete(code_file: Path, line: str, env: dict) -> list[str]:
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_COMPLETE, "bash", str(code_file), line],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return sorted(w.strip() for w in result.stdout.splitlines() if w.strip())


ZSH_COMPLETE = r'''
# zsh's own completion system in a pseudo-terminal: compinit, the printed code, then TAB.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='%% '; autoload -U compinit && compinit -u -D"
zpty -w z "eval \"\$(openclaw completion zsh)\""
# Each match zsh is offered is also printed as HIT:<match>.
zpty -w z "compadd() { local -a hits; builtin compadd -O hits \"\$@\"; \\
  print -rl -- \"HIT:\${^hits[@]}\" >/dev/tty; builtin compadd \"\$@\"; }"
zpty -n -w z "$1"$'\t'
local out all
for i in {1..300}; do
  while zpty -rt z out; do all+=$out; done
  [[ $all == *HIT:* ]] && { sleep 0.3; while zpty -rt z out; do all+=$out; done; break; }
  sleep 0.1
done
print -r -- "$all"
zpty -d z
'''


def zsh_complete(line: str, env: dict) -> list[str]:
    result = subprocess.run(["zsh", "-f", "-c", ZSH_COMPLETE, "zsh", line], capture_output=True, text=True,
                            env=env, timeout=90)
    return sorted(set(re.findall(r"HIT:([^\s\x1b$\\\"]+)", result.stdout)))


def fish_complete(code_file: Path, line: str, env: dict) -> list[str]:
    result = subprocess.run(["fish", "--no-config", "-c", f"source {code_file}; complete -C '{line}'"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return sorted(row.split("\t")[0] for row in result.stdout.splitlines() if row)


def protocol_complete(line: str, shell: str, env: dict, tmp_path: Path) -> list[str]:
    """Ask `openclaw` for completions exactly as SHELL's printed code does (its environment variables)."""
    out = tmp_path / f"completions-{shell}.txt"
    env = dict(env, _ARGCOMPLETE="1", _ARGCOMPLETE_SHELL=shell, COMP_LINE=line, COMP_POINT=str(len(line)),
               _ARGCOMPLETE_STDOUT_FILENAME=str(out), _ARGCOMPLETE_SUPPRESS_SPACE="1")
    if shell == "fish":
        env.update(_ARGCOMPLETE_DFS="\t", _ARGCOMPLETE_IFS="\n")
    result = subprocess.run(openclaw_argv(), capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    separator = "\n" if shell == "fish" else "\013"
    words = [w.split("\t")[0] for w in out.read_text().split(separator) if w]
    if shell == "zsh":
        words = [w.split(":")[0].replace("\\", "") for w in words]
    return sorted(words)


CASES = {
    "openclaw ": ["completion", "models", "onboard"],
    "openclaw onboard --auth-choice ": sorted(steps.BY_ID["authorization"].field("auth_choice").option_values()),
    "openclaw onboard --channels telegram,s": ["telegram,signal", "telegram,slack"],
    # One match: the value and the value with a comma, so the shell does not end the word after it.
    "openclaw onboard --channels tel": ["telegram", "telegram,"],
    "openclaw onboard --channels telegram,discord,signal,slack,w": ["telegram,discord,signal,slack,whatsapp"],
    "openclaw onboard --step h": ["hatch", "hooks"],
    "openclaw onboard --gateway-b": ["--gateway-bind"],
    "openclaw models auth login --method ": ["browser", "device", "paste"],
    "openclaw completion ": sorted(COMPLETION_SHELLS),
}


@pytest.mark.parametrize("shell", COMPLETION_SHELLS)
def test_completion_code_for_each_shell(run_cli, shell):
    code = completion_code(run_cli, shell)
    assert "openclaw" in code and "_ARGCOMPLETE" in code
    assert run_cli("completion", "tcsh").returncode == 2


def test_bash_completes_commands_flags_and_field_values(run_cli, cli_env, tmp_path):
    code_file = tmp_path / "openclaw.bash"
    code_file.write_text(completion_code(run_cli, "bash"))
    env = shell_env(cli_env)
    for line, expected in CASES.items():
        assert bash_complete(code_file, line, env) == expected, line


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed (the protocol test covers zsh's request)")
def test_zsh_completion_system_completes_field_values(cli_env):
    env = shell_env(cli_env)
    assert zsh_complete("openclaw onboard --auth-choice ", env) == CASES["openclaw onboard --auth-choice "]
    assert zsh_complete("openclaw onboard --hooks boot-md,", env) == ["boot-md,command-logger",
                                                                      "boot-md,session-memory"]


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed (the protocol test covers fish's request)")
def test_fish_completes_field_values_with_descriptions(run_cli, cli_env, tmp_path):
    code_file = tmp_path / "openclaw.fish"
    code_file.write_text(completion_code(run_cli, "fish"))
    env = shell_env(cli_env)
    for line, expected in CASES.items():
        assert fish_complete(code_file, line, env) == expected, line
    described = subprocess.run(["fish", "--no-config", "-c",
                                f"source {code_file}; complete -C 'openclaw onboard --auth-choice '"],
                               capture_output=True, text=True, env=env, timeout=60).stdout
    assert "openai-codex\tSign in with ChatGPT" in described


@pytest.mark.parametrize("shell", COMPLETION_SHELLS)
def test_each_shells_request_is_answered_with_the_full_onboard_parser(cli_env, tmp_path, shell):
    for line, expected in CASES.items():
        assert protocol_complete(line, shell, cli_env, tmp_path) == expected, (shell, line)
    skills = protocol_complete("openclaw onboard --skills git,", shell, cli_env, tmp_path)
    assert "git,web-search" in skills and "git,github" in skills and "git,git" not in skills


def test_completion_costs_ordinary_commands_nothing(cli_env, tmp_path):
    """`models auth status` loads neither argcomplete nor the completion module nor the step definitions."""
    entry = [str(OPENCLAW)] if OPENCLAW.exists() else ["-m", "wizard"]
    result = subprocess.run([sys.executable, "-X", "importtime", *entry, "models", "auth", "status"],
                            capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "wizard.auth.status" in imported  # the probe is real
    assert not {m for m in imported if m.startswith(("argcomplete", "wizard.steps", "wizard.commands.completion"))}
