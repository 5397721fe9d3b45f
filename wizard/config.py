"""The config store: read with tomllib, write with tomlkit (comments and order kept), atomically."""

from __future__ import annotations

from wizard.errors import UsageError, os_reason
from wizard.i18n import M

# tomllib, pathlib and datetime load only when used: `models auth status` without a config file
# needs none of them (the two-line block below is `typing.TYPE_CHECKING` without importing typing).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path
    from typing import Any

    from tomlkit import TOMLDocument

HEADER = ("OpenClaw gateway configuration, written by `openclaw onboard`.\n"
          "Secrets live in the credential store; values like { secret = \"...\" } refer to them.")


class Loaded:
    """The existing config: its text and parsed form, or why the text is not valid TOML.
    (A plain class: `models status` imports this module, and a dataclass costs milliseconds.)"""

    __slots__ = ("text", "data", "problem")

    def __init__(self, text: str | None, data: dict[str, Any] | None, problem: str | None = None) -> None:
        self.text = text  # None when there is no file
        self.data = data  # None when there is no file, or it is not valid TOML
        self.problem = problem  # the parse error, with its line and column


def read(path: Path) -> Loaded:
    """The existing config as it is, valid or not; the file is never changed here."""
    from wizard.fsutil import read_text

    text = read_text(path)
    if text is None:
        return Loaded(None, None)
    import tomllib

    try:
        return Loaded(text, tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        return Loaded(text, None, str(exc))  # "Invalid statement (at line 3, column 1)"
    except RecursionError:
        return Loaded(text, None, M("it is nested too deeply"))


def not_valid_toml(path: Path, problem: str) -> UsageError:
    return UsageError(M("{path} is not valid TOML: {problem}", path=str(path), problem=problem), code="BAD_CONFIG",
                      hint=M("fix the file by hand, or move it aside (e.g. to {name}.broken) and run "
                             "`openclaw onboard` again; or pass --existing reset to keep it as a timestamped "
                             "backup and start from defaults. It was not changed", name=path.name))


def read_table(path: str | Path, name: str) -> tuple[dict[str, Any], str | None]:
    """One top-level table of the config and, when the file is unusable, why: for commands that still
    run without it (`models status`), unlike `load`, which refuses."""
    try:
        with open(path, "rb") as fh:
            import tomllib

            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}, None
    except UnicodeDecodeError:
        return {}, M("{path} is not valid TOML: {problem}", path=str(path), problem=M("it is not UTF-8 text"))
    except ValueError as exc:  # tomllib.TOMLDecodeError
        return {}, M("{path} is not valid TOML: {problem}", path=str(path), problem=str(exc))
    except RecursionError:
        return {}, M("{path} is not valid TOML: {problem}", path=str(path), problem=M("it is nested too deeply"))
    except OSError as exc:
        return {}, M("cannot read {path}: {reason}", path=str(path), reason=os_reason(exc))
    table = data.get(name)
    return (table if isinstance(table, dict) else {}), None


def render(before: str | None, patch: dict[str, Any], *, reset: bool = False) -> str:
    """The new config text: `before` (kept with its comments) with `patch` applied.

    `patch` maps dotted keys ("gateway.port") to values; None removes the key. A new file is written
    without tomlkit when wizard.tomlwrite can (the same bytes; a first run need not import tomlkit).
    """
    if before is None or reset:
        from wizard.tomlwrite import fresh

        text = fresh(HEADER, patch)
        if text is not None:
            return text
    return render_with_tomlkit(before, patch, reset=reset)


def render_with_tomlkit(before: str | None, patch: dict[str, Any], *, reset: bool = False) -> str:
    import tomlkit

    if before is None or reset:
        doc = tomlkit.document()
        for line in HEADER.splitlines():
            doc.add(tomlkit.comment(line))
        doc.add(tomlkit.nl())
    else:
        doc = tomlkit.parse(before)
    for dotted, value in patch.items():
        _apply(doc, dotted.split("."), value)
    return tomlkit.dumps(doc)


def _apply(doc: TOMLDocument, keys: list[str], value: Any) -> None:
    import tomlkit

    node: Any = doc  # a table, or whatever the existing config holds at that key
    for key in keys[:-1]:
        if key not in node:
            if value is None:
                return
            node[key] = tomlkit.table()
        node = node[key]
        if not hasattr(node, "keys"):
            raise UsageError(M("cannot set {keys}: {key} is not a table in the existing config", keys=".".join(keys),
                               key=key), code="BAD_CONFIG", hint=M("fix that key by hand, or choose Reset"))
    last = keys[-1]
    if value is None:
        if last in node:
            del node[last]
        return
    if last in node and node[last] == value:
        return  # unchanged: leave the original formatting alone
    node[last] = _item(value)


def _item(value: Any) -> Any:
    import tomlkit

    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(value)
        return array
    return value


def backup_name(path: Path, now: datetime | None = None) -> Path:
    from datetime import UTC, datetime

    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{stamp}.bak")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{stamp}-{n}.bak")
        n += 1
    return candidate
