"""What kind of answer a field takes: how it is parsed, named on the command line, read by reference
and written back to an answers file. One object per kind; `screens/` maps each kind to a widget.
"""

from __future__ import annotations

from wizard.i18n import M
from wizard.steps.values import SecretValue

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Protocol

    from wizard.steps.base import Field

    class Sources(Protocol):
        """What reading a value by reference may use: the environment and stdin (once)."""

        environ: dict[str, str]

        def read_stdin(self, who: str) -> str: ...


class Kind:
    """A plain text answer; subclasses change what differs."""

    name = "text"
    metavar = "TEXT"
    empty_is_missing = False  # an empty answer counts as no answer ("is required")
    is_secret = False
    is_switch = False  # a bool: --flag / --no-flag on the command line
    multiline = False

    def __repr__(self) -> str:
        return f"<kind {self.name}>"

    def parse(self, field: Field, raw: Any) -> Any:
        """A flag/env/file/typed value as this kind's type; ValueError names the rule."""
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise ValueError(M("must be text"))
        return str(raw).strip()

    def check(self, field: Field, value: Any) -> str | None:
        """A rule of the kind itself (choice membership); the field's validator comes after."""
        return None

    def metavar_for(self, field: Field) -> str:
        return self.metavar

    def from_flag(self, field: Field, raw: str, sources: Sources) -> Any:
        return raw

    def from_env(self, field: Field, name: str, raw: str) -> Any:
        return raw

    def from_file(self, field: Field, raw: Any, answers_path: Path, sources: Sources) -> Any:
        return raw

    def replay(self, field: Field, value: Any) -> tuple[Any, str | None]:
        """(what an answers file holds for `value`, a comment to add); None leaves the key out."""
        return value, None


class MultiLineText(Kind):
    """Several lines of text (a persona): kept as typed, line breaks included."""

    name = "multiline"
    multiline = True

    def parse(self, field: Field, raw: Any) -> str:
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise ValueError(M("must be text"))
        lines = [line.rstrip() for line in str(raw).replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip()


class PathKind(Kind):
    name = "path"
    metavar = "PATH"


class UrlKind(Kind):
    name = "url"
    metavar = "URL"


class PortKind(Kind):
    name = "port"
    metavar = "PORT"
    empty_is_missing = True

    def parse(self, field: Field, raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError(M("must be a port number (1-65535)"))
        try:
            port = int(str(raw).strip())
        except ValueError:
            raise ValueError(M("must be a port number (1-65535), got {raw!r}", raw=str(raw))) from None
        if not 1 <= port <= 65535:
            raise ValueError(M("must be a port number between 1 and 65535, got {port}", port=port))
        return port


class BoolKind(Kind):
    name = "bool"
    metavar = ""
    is_switch = True

    def parse(self, field: Field, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "y", "on"}:
            return True
        if text in {"0", "false", "no", "n", "off"}:
            return False
        raise ValueError(M("must be true or false"))


class ChoiceKind(Kind):
    name = "choice"
    empty_is_missing = True

    def check(self, field: Field, value: Any) -> str | None:
        if value not in field.option_values():
            return M("must be one of: {values}", values=", ".join(field.option_values()))
        return None

    def metavar_for(self, field: Field) -> str:
        return "|".join(field.option_values())


class MultiKind(Kind):
    name = "multi"

    def parse(self, field: Field, raw: Any) -> list[str]:
        items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
        if not all(isinstance(i, (str, int, float)) and not isinstance(i, bool) for i in items):
            raise ValueError(M("must be a list of names"))
        values = [str(i).strip() for i in items if str(i).strip()]
        if values == ["none"]:
            return []
        return list(dict.fromkeys(values))

    def check(self, field: Field, value: Any) -> str | None:
        unknown = [v for v in value if v not in field.option_values()]
        if unknown:
            return M("unknown: {unknown} (choose from: {values})", unknown=", ".join(unknown),
                     values=", ".join(field.option_values()))
        return None

    def metavar_for(self, field: Field) -> str:
        return "A,B,..."


class SecretKind(Kind):
    """Taken by reference only (@FILE, - for stdin, env:NAME; { env } / { file } in an answers file),
    so a secret never shows in `ps`; typed into the TUI it arrives as a plain string."""

    name = "secret"
    metavar = "REF"
    empty_is_missing = True
    is_secret = True

    def parse(self, field: Field, raw: Any) -> SecretValue:
        if isinstance(raw, SecretValue):
            return raw
        if isinstance(raw, str):  # typed into the TUI
            return SecretValue(raw.strip(), "typed", None)
        raise ValueError(M("must be given by reference (@FILE, -, env:NAME or { env = ... } / { file = ... })"))

    def from_flag(self, field: Field, raw: str, sources: Sources) -> SecretValue:
        return secret_from_ref(raw, field.flag, sources)

    def from_env(self, field: Field, name: str, raw: str) -> SecretValue:
        return SecretValue(raw.strip(), "env", {"env": name})

    def from_file(self, field: Field, raw: Any, answers_path: Path, sources: Sources) -> SecretValue:
        if isinstance(raw, dict) and set(raw) == {"env"} and isinstance(raw["env"], str):
            name = raw["env"]
            if name not in sources.environ:
                raise ValueError(M("environment variable {name} is not set", name=name))
            return SecretValue(sources.environ[name].strip(), "env", {"env": name})
        if isinstance(raw, dict) and set(raw) == {"file"} and isinstance(raw["file"], str):
            path = expand_user(raw["file"])
            if not path.is_absolute():
                path = answers_path.parent / path
            return SecretValue(read_secret_file(path), "file", {"file": raw["file"]})
        raise ValueError(M('secrets go by reference: { env = "NAME" } or { file = "path" }, never the value itself'))

    def replay(self, field: Field, value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, SecretValue) or value.origin in ("generated", "existing"):
            return None, None  # a fresh one is generated on replay; a stored one is already there
        if value.ref:
            return dict(value.ref), None
        return {"env": field.env}, f"set {field.env} to the value typed in the wizard"


def secret_from_ref(raw: str, flag: str, sources: Sources) -> SecretValue:
    """A secret named on the command line by reference: `@FILE`, `-` (stdin) or `env:NAME`.

    A literal value is refused: it would show in `ps` and the shell's history."""
    if raw == "-":
        return SecretValue(sources.read_stdin(flag).strip(), "stdin", None)
    if raw.startswith("@"):
        path = expand_user(raw[1:])
        return SecretValue(read_secret_file(path), "file", {"file": str(path.resolve())})
    if raw.startswith("env:"):
        name = raw[4:]
        if name not in sources.environ:
            raise ValueError(M("environment variable {name} is not set", name=name))
        return SecretValue(sources.environ[name].strip(), "env", {"env": name})
    raise ValueError(M("secrets are taken by reference so they never show in `ps`: "
                       "use {flag} @FILE, {flag} - (stdin) or {flag} env:NAME", flag=flag))


def expand_user(text: str) -> Path:
    """`~/x` as the home dir; a `~name` whose user does not exist is a ValueError, not a crash."""
    from pathlib import Path

    try:
        return Path(text).expanduser()
    except RuntimeError:  # "Could not determine home directory" (no such user, or no HOME)
        raise ValueError(M("cannot expand {name!r}: no such user's home directory",
                           name=text.split("/", 1)[0])) from None


def read_secret_file(path: Path) -> str:
    from wizard.errors import os_reason

    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(M("cannot read {path}: {reason}", path=str(path), reason=os_reason(exc))) from None
    except UnicodeDecodeError:
        raise ValueError(M("{path} is not UTF-8 text", path=str(path))) from None


TEXT, MULTILINE, PATH, URL = Kind(), MultiLineText(), PathKind(), UrlKind()
PORT, BOOL, CHOICE, MULTI, SECRET = PortKind(), BoolKind(), ChoiceKind(), MultiKind(), SecretKind()
