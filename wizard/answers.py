"""Preset answers for the headless driver: flags > env (OPENCLAW_*) > answers file > defaults.

Every problem is collected and reported at once (exit 2), naming where the value came from.
Secrets arrive by reference only: @FILE, - (stdin), env:NAME on flags; the env var itself;
{ env = "NAME" } or { file = "path" } in the answers file.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard import steps as step_registry
from wizard.errors import UsageError, ValidationError
from wizard.steps.base import Field, SecretValue


@dataclass(frozen=True)
class Preset:
    value: Any
    source: str


Presets = dict  # {step_id: {key: Preset}}


def describe_sources(fld: Field, answers: dict | None = None) -> str:
    """Where an answer can come from; `answers` decides provider-specific env vars (OPENAI_API_KEY)."""
    envs = [fld.env, *_extra_env(fld, answers or {})]
    flags = f"{fld.flag} (or --token-file)" if fld.id == "authorization.token" else fld.flag
    return f"{flags}, env {' or '.join(envs)}, or [{fld.step}] {fld.key} in the answers file"


def _extra_env(fld: Field, answers: dict) -> tuple[str, ...]:
    extra = step_registry.EXTRA_ENV.get(fld.id)
    return extra(answers) if extra else ()


class _Collector:
    def __init__(self, environ: dict, stdin=None):
        self.environ = environ
        self.stdin = stdin or sys.stdin
        self.presets: Presets = {}
        self.problems: list[str] = []
        self._stdin_used_by: str | None = None

    def put(self, fld: Field, raw: Any, source: str) -> None:
        if fld.key in self.presets.get(fld.step, {}):
            return  # a higher-precedence source already answered
        try:
            value = fld.parse(raw)
        except ValueError as exc:
            self.problems.append(f"{fld.id} ({source}): {exc}")
            return
        self.presets.setdefault(fld.step, {})[fld.key] = Preset(value, source)

    def read_stdin(self, who: str) -> str:
        if self._stdin_used_by:
            raise ValueError(f"stdin is already used by {self._stdin_used_by}")
        if self.stdin.isatty():
            raise ValueError("'-' reads stdin, but stdin is a terminal; use @FILE or env:NAME")
        self._stdin_used_by = who
        return self.stdin.read()

    def secret_from_flag(self, fld: Field, raw: str) -> SecretValue:
        if raw == "-":
            return SecretValue(self.read_stdin(fld.flag).strip(), "stdin", None)
        if raw.startswith("@"):
            path = Path(raw[1:]).expanduser()
            return SecretValue(_read_secret_file(path), "file", {"file": str(path.resolve())})
        if raw.startswith("env:"):
            name = raw[4:]
            if name not in self.environ:
                raise ValueError(f"environment variable {name} is not set")
            return SecretValue(self.environ[name].strip(), "env", {"env": name})
        raise ValueError("secrets are taken by reference so they never show in `ps`: "
                         f"use {fld.flag} @FILE, {fld.flag} - (stdin) or {fld.flag} env:NAME")


def _read_secret_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None


def collect(args, environ: dict | None = None, stdin=None) -> tuple[Presets, list[str]]:
    """The preset answers, and every problem met reading them (reported with the others, at once)."""
    environ = dict(os.environ if environ is None else environ)
    c = _Collector(environ, stdin)
    fields = step_registry.all_fields()
    _from_flags(c, args, fields)
    _from_env(c, fields)
    if getattr(args, "answers", None):
        _from_file(c, Path(args.answers), fields)
    return c.presets, c.problems


def problems_error(problems: list[str]) -> ValidationError:
    return ValidationError("some answers are not valid (nothing was written):", details=problems,
                           hint="fix the values named above and run the command again")


def _from_flags(c: _Collector, args, fields: list[Field]) -> None:
    token_file = getattr(args, "token_file", None)
    if token_file and getattr(args, "token", None) is None:
        args.token = "@" + token_file
    for fld in fields:
        raw = getattr(args, fld.dest, None)
        if raw is None:
            continue
        if fld.kind == "secret":
            try:
                raw = c.secret_from_flag(fld, raw)
            except ValueError as exc:
                c.problems.append(f"{fld.id} ({fld.flag}): {exc}")
                continue
        c.put(fld, raw, fld.flag)


def _from_env(c: _Collector, fields: list[Field]) -> None:
    for fld in fields:
        _put_env(c, fld, fld.env)


def _put_env(c: _Collector, fld: Field, name: str) -> bool:
    raw = c.environ.get(name)
    if raw is None or raw == "":
        return False
    if fld.kind == "secret":
        raw = SecretValue(raw.strip(), "env", {"env": name})
    c.put(fld, raw, f"env {name}")
    return True


def _from_file(c: _Collector, path: Path, fields: list[Field]) -> None:
    data = load_answers_file(path)
    by_step = {s.id: {f.key: f for f in s.fields} for s in step_registry.STEPS}
    for table, values in data.items():
        if table not in by_step:
            c.problems.append(f"{path}: unknown table [{table}]; valid tables: {', '.join(by_step)}")
            continue
        if not isinstance(values, dict):
            c.problems.append(f"{path}: {table} must be a table ([{table}]), not a value")
            continue
        for key, raw in values.items():
            fld = by_step[table].get(key)
            source = f"{path.name} [{table}] {key}"
            if fld is None:
                c.problems.append(f"{path}: unknown key [{table}] {key}; valid keys: {', '.join(by_step[table])}")
                continue
            if fld.kind == "secret":
                try:
                    raw = _secret_from_file_ref(c, raw, path)
                except ValueError as exc:
                    c.problems.append(f"{fld.id} ({source}): {exc}")
                    continue
            c.put(fld, raw, source)


def _secret_from_file_ref(c: _Collector, raw: Any, answers_path: Path) -> SecretValue:
    if isinstance(raw, dict) and set(raw) == {"env"} and isinstance(raw["env"], str):
        name = raw["env"]
        if name not in c.environ:
            raise ValueError(f"environment variable {name} is not set")
        return SecretValue(c.environ[name].strip(), "env", {"env": name})
    if isinstance(raw, dict) and set(raw) == {"file"} and isinstance(raw["file"], str):
        path = Path(raw["file"]).expanduser()
        if not path.is_absolute():
            path = answers_path.parent / path
        return SecretValue(_read_secret_file(path), "file", {"file": raw["file"]})
    raise ValueError('secrets go by reference: { env = "NAME" } or { file = "path" }, never the value itself')


def load_answers_file(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"answers file {path} does not exist", code="BAD_ANSWERS",
                         hint="check the path given to --answers") from None
    except OSError as exc:
        raise UsageError(f"cannot read answers file {path}: {exc.strerror}", code="BAD_ANSWERS") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"answers file {path} is not UTF-8 text", code="BAD_ANSWERS") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"answers file {path} is not valid TOML: {exc}", code="BAD_ANSWERS",
                         hint="fix the file at that line and column; see README for the format") from None


def dump(machine) -> str:
    """The answers given, as an answers file: secrets as references so CI can replay the run."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("openclaw onboard answers: replay with"))
    doc.add(tomlkit.comment("  openclaw onboard --non-interactive --answers THIS_FILE"))
    for step in machine.steps:
        if machine.status[step.id] != "done":
            continue
        table = tomlkit.table()
        for key, value in machine.values[step.id].items():
            fld = step.field(key)
            if isinstance(value, SecretValue):
                if value.origin == "generated":
                    continue  # a fresh one is generated on replay
                ref = value.ref or {"env": fld.env}
                if value.origin == "existing":
                    continue  # already in the credential store
                table.add(key, _inline(ref))
                if not value.ref:
                    table.add(tomlkit.comment(f"set {fld.env} to the value typed in the wizard"))
            elif (step.id, key, value) == ("authorization", "method", "keep"):
                continue  # whether a sign-in is stored is the replaying machine's business
            else:
                table.add(key, value)
        doc.add(step.id, table)
    return tomlkit.dumps(doc)


def save(machine, path: Path) -> None:
    from wizard.fsutil import atomic_write

    atomic_write(path, dump(machine), mode=0o600)


def _inline(mapping: dict):
    import tomlkit

    table = tomlkit.inline_table()
    table.update(mapping)
    return table
