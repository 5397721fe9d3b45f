"""What a step is: fields with defaults, validators and applicability, and the effects it plans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

@dataclass(frozen=True)
class Option:
    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class SecretValue:
    """A secret and where it came from; `ref` is what an answers file may hold instead of the value."""

    value: str = field(repr=False)
    origin: str  # env | file | stdin | typed | generated | existing
    ref: dict | None = None

    def __str__(self) -> str:  # never leak through formatting
        return "<secret>"


@dataclass
class Context:
    """Everything a step may read besides the answers: the machine and the existing config."""

    state_dir: Path
    config_path: Path
    existing: dict | None  # the parsed existing config, None when there is none
    existing_text: str | None = None
    existing_secrets: set[str] = field(default_factory=set)
    which: Callable[[str], str | None] = lambda name: None
    # provider id -> the stored record's type ("oauth", "api_key", "token"), "oauth-expired" for a
    # sign-in that can no longer refresh, "unusable" for a file that does not load.
    stored_credentials: dict[str, str] = field(default_factory=dict)
    environ: dict = field(default_factory=dict, repr=False)  # for provider key variables (OPENAI_API_KEY)
    # The secrets file could not be read: an error only if this run has secrets to store.
    secrets_problem: Exception | None = None
    reset: bool = False  # the user chose Reset: defaults no longer come from the old config
    _generated: dict = field(default_factory=dict, repr=False)

    def existing_value(self, *keys: str, default: Any = None) -> Any:
        node: Any = (None if self.reset else self.existing) or {}
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    def has_sign_in(self, provider: str) -> bool:
        """A stored OAuth sign-in that still works (or can refresh) for `provider`."""
        return self.stored_credentials.get(provider) == "oauth"

    def secret_default(self, name: str) -> SecretValue:
        """The stored secret when there is one (kept as is), else one generated once per run."""
        if name in self.existing_secrets and not self.reset:
            return SecretValue("", "existing", None)
        if name not in self._generated:
            import secrets

            self._generated[name] = SecretValue(secrets.token_urlsafe(32), "generated", None)
        return self._generated[name]


Answers = dict  # {step_id: {key: value}}
Condition = Callable[[Answers, Context], bool]
Validator = Callable[[Any, Answers, Context], "str | None"]


def always(answers: Answers, ctx: Context) -> bool:
    return True


@dataclass(frozen=True)
class Field:
    step: str
    key: str
    kind: str
    label: str
    help: str
    default: Callable[[Answers, Context], Any] | Any = None
    options: tuple[Option, ...] = ()
    validate: Validator | None = None
    applies: Condition = always
    # When true, a headless run without --accept-defaults must be told this answer explicitly.
    must_answer: Condition | bool = False
    # Whether --accept-defaults may answer it (never for risk acknowledgement).
    defaultable: bool = True
    flag_name: str = ""
    env_name: str = ""
    placeholder: str = ""
    # Options offered only under a condition (e.g. "keep the current sign-in" when there is one).
    option_filter: Callable[[Option, Answers, Context], bool] | None = None

    @property
    def id(self) -> str:
        return f"{self.step}.{self.key}"

    @property
    def flag(self) -> str:
        return self.flag_name or "--" + self.key.replace("_", "-")

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def env(self) -> str:
        return self.env_name or "OPENCLAW_" + self.key.upper()

    @property
    def metavar(self) -> str:
        if self.options:
            return "|".join(o.value for o in self.options) if self.kind == "choice" else "A,B,..."
        return {"port": "PORT", "url": "URL", "path": "PATH", "secret": "REF"}.get(self.kind, "TEXT")

    def default_for(self, answers: Answers, ctx: Context) -> Any:
        return self.default(answers, ctx) if callable(self.default) else self.default

    def needs_explicit_answer(self, answers: Answers, ctx: Context) -> bool:
        rule = self.must_answer
        return rule(answers, ctx) if callable(rule) else bool(rule)

    def option_values(self) -> list[str]:
        return [o.value for o in self.options]

    def available(self, answers: Answers, ctx: Context) -> "Field":
        """This field with only the options that apply here."""
        if self.option_filter is None:
            return self
        import dataclasses

        return dataclasses.replace(self, options=tuple(o for o in self.options if self.option_filter(o, answers, ctx)))

    def parse(self, raw: Any) -> Any:
        """Turn a flag/env/file value into this field's type; ValueError names the rule."""
        return PARSERS[self.kind](self, raw)

    def check(self, value: Any, answers: Answers, ctx: Context) -> str | None:
        """The human message for an invalid value, or None."""
        if self.kind == "choice":
            message = self.validate(value, answers, ctx) if self.validate else None
            if message or value not in self.option_values():
                return message or f"must be one of: {', '.join(self.option_values())}"
            return None
        if self.kind == "multi":
            unknown = [v for v in value if v not in self.option_values()]
            if unknown:
                return f"unknown: {', '.join(unknown)} (choose from: {', '.join(self.option_values())})"
        return self.validate(value, answers, ctx) if self.validate else None


def _parse_bool(fld: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "y", "on"}:
        return True
    if text in {"0", "false", "no", "n", "off"}:
        return False
    raise ValueError("must be true or false")


def _parse_port(fld: Field, raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("must be a port number (1-65535)")
    try:
        port = int(str(raw).strip())
    except ValueError:
        raise ValueError(f"must be a port number (1-65535), got {str(raw)!r}") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"must be a port number between 1 and 65535, got {port}")
    return port


def _parse_multi(fld: Field, raw: Any) -> list[str]:
    if isinstance(raw, (list, tuple)):
        items = raw
    else:
        items = str(raw).split(",")
    values = [str(i).strip() for i in items if str(i).strip()]
    if values == ["none"]:
        return []
    if not all(isinstance(i, str) for i in items):
        raise ValueError("must be a list of names")
    return list(dict.fromkeys(values))


def _parse_text(fld: Field, raw: Any) -> str:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueError("must be text")
    return str(raw).strip()


def _parse_secret(fld: Field, raw: Any) -> SecretValue:
    if isinstance(raw, SecretValue):
        return raw
    if isinstance(raw, str):  # typed into the TUI
        return SecretValue(raw.strip(), "typed", None)
    raise ValueError("must be given by reference (@FILE, -, env:NAME or { env = ... } / { file = ... })")


PARSERS: dict[str, Callable[[Field, Any], Any]] = {
    "choice": _parse_text,
    "multi": _parse_multi,
    "text": _parse_text,
    "path": _parse_text,
    "url": _parse_text,
    "port": _parse_port,
    "bool": _parse_bool,
    "secret": _parse_secret,
}


@dataclass(frozen=True)
class Effects:
    """What a step plans: config values to set, secrets to store, files to create."""

    config: dict = field(default_factory=dict)  # {"gateway.port": 18789, ...}; None removes the key
    secrets: dict = field(default_factory=dict)  # {"gateway.token": SecretValue}
    credentials: list = field(default_factory=list)  # [credential record dicts]
    files: list = field(default_factory=list)  # [(Path, text)] created only when missing
    dirs: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # human lines for the review
    reset_config: bool = False
    sign_in: tuple | None = None  # (provider, method): signs in at once, tokens stored on arrival


@dataclass(frozen=True)
class Step:
    id: str
    number: int
    title: str
    summary: str
    fields: tuple[Field, ...]
    plan: Callable[[dict, Answers, Context], Effects]
    # Values for this step taken from the existing config (what "kept" means).
    from_config: Callable[[Context], dict]
    describe: Callable[[dict], str]
    applies: Condition = always
    # Where Next goes instead of the following step (Keep in `existing` goes to sign-in).
    next_step: Callable[[dict], "str | None"] = lambda values: None
    # The config's top-level tables this step writes: a kept step without them is "not configured yet".
    sections: tuple[str, ...] = ()

    def field(self, key: str) -> Field:
        for fld in self.fields:
            if fld.key == key:
                return fld
        raise KeyError(key)


# Validators shared by several steps.

def valid_url(value: str, answers: Answers, ctx: Context) -> str | None:
    if not value:
        return None
    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value):
        return "must be an absolute http(s) URL such as https://example.com/hook"
    return None


def valid_path(value: str, answers: Answers, ctx: Context) -> str | None:
    if not value:
        return "must not be empty"
    if "\n" in value or "\0" in value:
        return "must be a single-line path"
    return None
