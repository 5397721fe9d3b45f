"""Preset answers for the headless driver: flags > env (OPENCLAW_*) > answers file > defaults.

Every problem is collected and reported at once (exit 2), naming where the value came from.
Secrets arrive by reference only: @FILE, - (stdin), env:NAME on flags; the env var itself;
{ env = "NAME" } or { file = "path" } in the answers file.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from wizard import steps as step_registry
from wizard.errors import UsageError, ValidationError, os_reason, reason_of
from wizard.i18n import M
from wizard.request import Preset, Presets, Problem, frozen_presets
from wizard.steps.base import Field

# tomllib loads only with an answers file to read; typing never (TYPE_CHECKING is its constant).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

    from tomlkit.items import InlineTable

    from wizard.machine import Machine
    from wizard.steps.shapes import Answers

__all__ = ["Preset", "Presets", "Problem", "collect", "describe_sources", "dump", "load_answers_file", "save"]


def describe_sources(fld: Field, answers: Answers | None = None) -> str:
    """Where an answer can come from; `answers` decides provider-specific env vars (OPENAI_API_KEY)."""
    names = fld.envs(answers or {})
    envs = names[0]
    for name in names[1:]:  # nested, not joined, so that "or" is shown in the reader's language
        envs = M("{first} or {then}", first=envs, then=name)
    if fld.file_flag:
        return M("{flag} (or {file_flag}), env {envs}, or [{step}] {key} in the answers file", flag=fld.flag,
                 file_flag=fld.file_flag, envs=envs, step=fld.step, key=fld.key)
    return M("{flag}, env {envs}, or [{step}] {key} in the answers file", flag=fld.flag, envs=envs, step=fld.step,
             key=fld.key)


class _Collector:
    def __init__(self, environ: Mapping[str, str], stdin: IO[str] | None = None):
        self.environ = dict(environ)
        self.stdin = stdin or sys.stdin
        self.presets: dict[str, dict[str, Preset]] = {}
        self.problems: list[Problem] = []
        self._stdin_used_by: str | None = None

    def put(self, fld: Field, raw: Any, source: str, origin: str) -> None:
        if fld.key in self.presets.get(fld.step, {}):
            return  # a higher-precedence source already answered
        try:
            value = fld.parse(raw)
        except ValueError as exc:
            self.problem(fld, source, reason_of(exc))
            return
        self.presets.setdefault(fld.step, {})[fld.key] = Preset(value, source, origin)

    def problem(self, fld: Field, source: str, text: str) -> None:
        self.problems.append(Problem(M("{field} ({source}): {problem}", field=fld.id, source=source, problem=text),
                                     fld.id))

    def read_stdin(self, who: str) -> str:
        if self._stdin_used_by:
            raise ValueError(M("stdin is already used by {flag}", flag=self._stdin_used_by))
        if self.stdin.isatty():
            raise ValueError(M("'-' reads stdin, but stdin is a terminal; use @FILE or env:NAME"))
        self._stdin_used_by = who
        return self.stdin.read()


def collect(flags: Mapping[str, Any], environ: Mapping[str, str], answers_file: Path | None = None,
            stdin: IO[str] | None = None) -> tuple[Presets, list[Problem]]:
    """The preset answers from flags (keyed by their spelling, "--gateway-port"), env and the answers
    file, and every problem met reading them (reported with the others, at once)."""
    c = _Collector(environ, stdin)
    fields = step_registry.all_fields()
    _from_flags(c, flags, fields)
    _from_env(c, fields)
    if answers_file is not None:
        _from_file(c, answers_file, fields)
    return frozen_presets(c.presets), c.problems


def problems_error(problems: Sequence[Problem]) -> ValidationError:
    return ValidationError(M("some answers are not valid (nothing was written):"), details=[p.text for p in problems],
                           hint=M("fix the values named above and run the command again"))


def _from_flags(c: _Collector, flags: Mapping[str, Any], fields: list[Field]) -> None:
    for fld in fields:
        raw, flag = flags.get(fld.flag), fld.flag
        if raw is None and fld.file_flag and flags.get(fld.file_flag) is not None:
            raw, flag = "@" + str(flags[fld.file_flag]), fld.file_flag
        if raw is None:
            continue
        try:
            raw = fld.kind.from_flag(fld, raw, c)
        except ValueError as exc:
            c.problem(fld, flag, reason_of(exc))
            continue
        c.put(fld, raw, flag, "flag")


def _from_env(c: _Collector, fields: list[Field]) -> None:
    for fld in fields:
        raw = c.environ.get(fld.env)
        if raw:
            c.put(fld, fld.kind.from_env(fld, fld.env, raw), f"env {fld.env}", "env")


def _from_file(c: _Collector, path: Path, fields: list[Field]) -> None:
    data = load_answers_file(path)
    by_step = {s.id: {f.key: f for f in s.fields} for s in step_registry.STEPS}
    for table, values in data.items():
        if table not in by_step:
            c.problems.append(Problem(M("{path}: unknown table [{table}]; valid tables: {tables}", path=str(path),
                                        table=table, tables=", ".join(by_step))))
            continue
        if not isinstance(values, dict):
            c.problems.append(Problem(M("{path}: {table} must be a table ([{table}]), not a value", path=str(path),
                                        table=table)))
            continue
        for key, raw in values.items():
            fld = by_step[table].get(key)
            source = f"{path.name} [{table}] {key}"
            if fld is None:
                c.problems.append(Problem(M("{path}: unknown key [{table}] {key}; valid keys: {keys}", path=str(path),
                                            table=table, key=key, keys=", ".join(by_step[table]))))
                continue
            try:
                raw = fld.kind.from_file(fld, raw, path, c)
            except ValueError as exc:
                c.problem(fld, source, reason_of(exc))
                continue
            c.put(fld, raw, source, "file")


def load_answers_file(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(M("answers file {path} does not exist", path=str(path)), code="BAD_ANSWERS",
                         hint=M("check the path given to --answers")) from None
    except OSError as exc:
        raise UsageError(M("cannot read answers file {path}: {reason}", path=str(path), reason=os_reason(exc)),
                         code="BAD_ANSWERS") from None
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(M("answers file {path} is not UTF-8 text", path=str(path)), code="BAD_ANSWERS") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(M("answers file {path} is not valid TOML: {problem}", path=str(path), problem=str(exc)),
                         code="BAD_ANSWERS",
                         hint=M("fix the file at that line and column; see README for the format")) from None


def dump(machine: Machine) -> str:
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
            if not fld.saved(value):
                continue
            saved, comment = fld.kind.replay(fld, value)
            if saved is None:
                continue
            table.add(key, _inline(saved) if isinstance(saved, dict) else saved)
            if comment:
                table.add(tomlkit.comment(comment))
        doc.add(step.id, table)
    return tomlkit.dumps(doc)


def save(machine: Machine, path: Path) -> None:
    from wizard.fsutil import atomic_write

    atomic_write(path, dump(machine), mode=0o600)


def _inline(mapping: dict[str, Any]) -> InlineTable:
    import tomlkit

    table = tomlkit.inline_table()
    table.update(mapping)
    return table
