"""What a step is: fields with defaults, validators and applicability, and the effects it plans.

Plain Frozen classes and no typing at run time: every `onboard` loads this module, and dataclasses
(with inspect), typing and pathlib cost more than the rest of a headless onboarding's own work.
"""

from __future__ import annotations

from wizard.frozen import Frozen
from wizard.i18n import M
from wizard.steps import kinds
from wizard.steps.shapes import Answers, Values
from wizard.steps.values import SecretValue

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any, TypeAlias

    from wizard.steps.kinds import Kind

    Condition: TypeAlias = Callable[[Answers, "Context"], bool]
    Validator: TypeAlias = Callable[[Any, Answers, "Context"], "str | Advice | None"]
    Message: TypeAlias = "str | Advice | None"

__all__ = ["Advice", "Answers", "Context", "Effects", "Field", "Option", "SecretValue", "Step", "Values", "kinds"]


class Advice(Frozen):
    """A message whose remedy depends on who reads it: what to do on screen (the TUI) or which flag,
    env var or command to use (headless). One rule, two wordings; `Context.interactive` picks one."""

    __slots__ = ("text", "on_screen", "headless")
    text: str
    on_screen: str
    headless: str

    def __init__(self, text: str, on_screen: str = "", headless: str = "") -> None:
        self._set(text=text, on_screen=on_screen, headless=headless)

    def render(self, interactive: bool) -> str:
        fix = self.on_screen if interactive else self.headless
        if not self.text:
            return fix  # two wordings of one message, nothing in common
        return M("{text} ({fix})", text=self.text, fix=fix) if fix else self.text


def said(message: Message, ctx: Context) -> str | None:
    """A validator's or note's message in the wording for this run's driver."""
    return message.render(ctx.interactive) if isinstance(message, Advice) else message


class Option(Frozen):
    __slots__ = ("value", "label", "help")
    value: str
    label: str
    help: str

    def __init__(self, value: str, label: str, help: str = "") -> None:
        self._set(value=value, label=label, help=help)


def _no_which(name: str) -> str | None:
    return None


class Context:
    """Everything a step may read besides the answers: the machine and the existing config."""

    __slots__ = ("state_dir", "config_path", "existing", "existing_text", "existing_secrets", "which",
                 "stored_credentials", "environ", "secrets_problem", "reset", "interactive", "browser_blocked",
                 "config_problem", "_generated")

    def __init__(self, state_dir: Path, config_path: Path, existing: dict[str, Any] | None,
                 existing_text: str | None = None, existing_secrets: set[str] | None = None,
                 which: Callable[[str], str | None] = _no_which,
                 stored_credentials: dict[str, str] | None = None, environ: dict[str, str] | None = None,
                 secrets_problem: Exception | None = None, reset: bool = False, interactive: bool = False,
                 browser_blocked: str | None = None, config_problem: str | None = None) -> None:
        self.state_dir = state_dir
        self.config_path = config_path
        self.existing = existing  # the parsed existing config, None when there is none
        self.existing_text = existing_text
        self.existing_secrets: set[str] = set() if existing_secrets is None else existing_secrets
        self.which = which
        # provider id -> the stored record's type ("oauth", "api_key", "token"), "oauth-expired" for a
        # sign-in that can no longer refresh, "unusable" for a file that does not load.
        self.stored_credentials: dict[str, str] = {} if stored_credentials is None else stored_credentials
        # For provider key variables (OPENAI_API_KEY); never in the repr.
        self.environ: dict[str, str] = {} if environ is None else environ
        # The secrets file could not be read: an error only if this run has secrets to store.
        self.secrets_problem = secrets_problem
        self.reset = reset  # the user chose Reset: defaults no longer come from the old config
        self.interactive = interactive  # a person answers (the TUI), not flags and files (headless)
        # Why no browser can open here (an SSH session, no display), None when one can.
        self.browser_blocked = browser_blocked
        # Why the config file is not valid TOML (with line and column), None when it is (or there is none).
        self.config_problem = config_problem
        self._generated: dict[str, SecretValue] = {}

    def __repr__(self) -> str:
        shown = ("state_dir", "config_path", "existing", "existing_secrets", "stored_credentials", "reset",
                 "interactive", "browser_blocked", "config_problem")
        return "Context(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in shown) + ")"

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
            import base64
            import os

            # secrets.token_urlsafe(32), without importing secrets (hashlib, hmac, random: 4 ms)
            token = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode("ascii")
            self._generated[name] = SecretValue(token, "generated", None)
        return self._generated[name]


def always(answers: Answers, ctx: Context) -> bool:
    return True


def _always_saved(value: Any) -> bool:
    return True


def _copied(value: Any) -> Any:
    """copy.deepcopy for the shapes answers and configs hold, without importing copy for them."""
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, SecretValue)):  # immutable (bool is an int)
        return value
    import copy

    return copy.deepcopy(value)


class Field(Frozen):
    __slots__ = ("step", "key", "kind", "label", "help", "default", "options", "validate", "applies",
                 "must_answer", "defaultable", "flag_name", "env_name", "placeholder", "option_filter", "standing",
                 "file_flag", "flag_note", "extra_env", "saved", "stored_at", "applies_when", "clean", "note")
    step: str
    key: str
    kind: Kind
    label: str
    help: str
    default: Callable[[Answers, Context], Any] | Any
    options: tuple[Option, ...]
    validate: Validator | None
    applies: Condition
    # When true, a headless run without --accept-defaults must be told this answer explicitly.
    must_answer: Condition | bool
    # Whether --accept-defaults may answer it (never for risk acknowledgement).
    defaultable: bool
    flag_name: str
    env_name: str
    placeholder: str
    # Options offered only under a condition (e.g. "keep the current sign-in" when there is one).
    option_filter: Callable[[Option, Answers, Context], bool] | None
    # A standing acknowledgement (accepting the risk): given on any run, never "unused", and it does
    # not make a run with --auth-choice a full run.
    standing: bool
    # A second flag that takes a FILE holding this secret (--token-file F is --token @F).
    file_flag: str
    # What the flag does beyond giving the answer (--auth-choice alone opens on its step).
    flag_note: str
    # More env vars this answer may come from, given the other answers (OPENAI_API_KEY for an OpenAI key).
    extra_env: Callable[[Answers], tuple[str, ...]] | None
    # Whether a value goes into a saved answers file (a replaying machine decides some for itself).
    saved: Callable[[Any], bool]
    # Where the answer lives in the config, e.g. ("channels", "signal", "number"): a value stored there is
    # the default, and it counts as an answer when a step is opened on that config (nothing to re-type).
    stored_at: tuple[str, ...]
    # When the field is asked, in words ("when flow is manual"), for a conditional `applies`: it tells
    # why an answer given for it was not used.
    applies_when: str
    # Tidies a parsed value into its one stored form (a phone number to E.164); ValueError names the rule.
    clean: Callable[[Any], Any] | None
    # A line about this machine shown with the field (why Device code is chosen), or None.
    note: Callable[[Answers, Context], Message] | None

    def __init__(self, step: str, key: str, kind: Kind, label: str, help: str,
                 default: Callable[[Answers, Context], Any] | Any = None, options: tuple[Option, ...] = (),
                 validate: Validator | None = None, applies: Condition = always,
                 must_answer: Condition | bool = False, defaultable: bool = True, flag_name: str = "",
                 env_name: str = "", placeholder: str = "",
                 option_filter: Callable[[Option, Answers, Context], bool] | None = None, standing: bool = False,
                 file_flag: str = "", flag_note: str = "",
                 extra_env: Callable[[Answers], tuple[str, ...]] | None = None,
                 saved: Callable[[Any], bool] = _always_saved, stored_at: tuple[str, ...] = (),
                 applies_when: str = "", clean: Callable[[Any], Any] | None = None,
                 note: Callable[[Answers, Context], Message] | None = None) -> None:
        self._set(step=step, key=key, kind=kind, label=label, help=help, default=default, options=options,
                  validate=validate, applies=applies, must_answer=must_answer, defaultable=defaultable,
                  flag_name=flag_name, env_name=env_name, placeholder=placeholder, option_filter=option_filter,
                  standing=standing, file_flag=file_flag, flag_note=flag_note, extra_env=extra_env, saved=saved,
                  stored_at=stored_at, applies_when=applies_when, clean=clean, note=note)

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
        return self.kind.metavar_for(self)

    def envs(self, answers: Answers) -> tuple[str, ...]:
        """Every env var this answer may come from, its own first."""
        return (self.env, *(self.extra_env(answers) if self.extra_env else ()))

    def default_for(self, answers: Answers, ctx: Context) -> Any:
        stored = self.stored_value(ctx)
        if stored is not None:
            return _copied(stored)
        return self.default(answers, ctx) if callable(self.default) else _copied(self.default)

    def stored_value(self, ctx: Context) -> Any:
        """The answer the existing config holds (None when there is none, or after Reset)."""
        if not self.stored_at:
            return None
        value = ctx.existing_value(*self.stored_at)
        return None if value == "" else value

    def needs_explicit_answer(self, answers: Answers, ctx: Context) -> bool:
        rule = self.must_answer
        return rule(answers, ctx) if callable(rule) else bool(rule)

    def option_values(self) -> list[str]:
        return [o.value for o in self.options]

    def available(self, answers: Answers, ctx: Context) -> Field:
        """This field with only the options that apply here."""
        if self.option_filter is None:
            return self
        offered = self.option_filter
        return self.replace(options=tuple(o for o in self.options if offered(o, answers, ctx)))

    def parse(self, raw: Any) -> Any:
        """Turn a flag/env/file value into this field's type; ValueError names the rule."""
        value = self.kind.parse(self, raw)
        return self.clean(value) if self.clean is not None else value

    def is_missing(self, raw: Any) -> bool:
        return raw is None or (raw == "" and self.kind.empty_is_missing)

    def check(self, value: Any, answers: Answers, ctx: Context) -> str | None:
        """The human message for an invalid value, or None (worded for this run's driver)."""
        if self.validate:
            message = said(self.validate(value, answers, ctx), ctx)
            if message:
                return message
        return self.kind.check(self, value)

    def note_for(self, answers: Answers, ctx: Context) -> str | None:
        return said(self.note(answers, ctx), ctx) if self.note is not None else None


class Effects(Frozen):
    """What a step plans: config values to set, secrets to store, files to create."""

    __slots__ = ("config", "secrets", "credentials", "files", "dirs", "notes", "reset_config", "sign_in")
    config: dict[str, Any]  # {"gateway.port": 18789, ...}; None removes the key
    secrets: dict[str, SecretValue]  # {"gateway.token": SecretValue}
    credentials: list[dict[str, Any]]  # [credential record dicts]
    files: list[tuple[Path, str]]  # [(Path, text)] created only when missing
    dirs: list[Path]
    notes: list[str]  # human lines for the review
    reset_config: bool
    sign_in: tuple[str, str] | None  # (provider, method): the sign-in phase, tokens stored on arrival

    def __init__(self, config: dict[str, Any] | None = None, secrets: dict[str, SecretValue] | None = None,
                 credentials: list[dict[str, Any]] | None = None, files: list[tuple[Path, str]] | None = None,
                 dirs: list[Path] | None = None, notes: list[str] | None = None, reset_config: bool = False,
                 sign_in: tuple[str, str] | None = None) -> None:
        self._set(config={} if config is None else config, secrets={} if secrets is None else secrets,
                  credentials=[] if credentials is None else credentials, files=[] if files is None else files,
                  dirs=[] if dirs is None else dirs, notes=[] if notes is None else notes,
                  reset_config=reset_config, sign_in=sign_in)


def _no_next_step(values: Values) -> str | None:
    return None


class Step(Frozen):
    __slots__ = ("id", "number", "title", "summary", "fields", "plan", "from_config", "describe", "applies",
                 "next_step", "sections", "on_record", "applies_when", "note", "sign_in", "set_aside",
                 "sign_in_method", "first_when", "required")
    id: str
    number: int
    title: str
    summary: str
    fields: tuple[Field, ...]
    plan: Callable[[Values, Answers, Context], Effects]
    # Values for this step taken from the existing config (what "kept" means).
    from_config: Callable[[Context], Values]
    describe: Callable[[Values], str]
    applies: Condition
    # Where Next goes instead of the following step (Keep in `existing` goes to sign-in).
    next_step: Callable[[Values], str | None]
    # The config's top-level tables this step writes: a kept step without them is "not configured yet".
    sections: tuple[str, ...]
    # What recording this step's answer changes in the context (Reset: defaults stop coming from the config).
    on_record: Callable[[Values, Context], None] | None
    # Why the step may not apply, for a refused jump or --step (e.g. it needs a config file).
    applies_when: str
    # A line about this machine shown with the step's fields (what the skills need that is missing).
    note: Callable[[Context], str] | None
    # The sign-in these values ask for, (provider, method), or None: the machine's sign-in phase.
    sign_in: Callable[[Values, Answers, Context], tuple[str, str] | None] | None
    # Why, given these values, the step's answers that do not apply are set aside with a note rather than
    # refused as unused (skipping Authorization makes a replayed method and model moot), or None.
    set_aside: Callable[[Values], str | None] | None
    # The field holding the sign-in method, which the sign-in phase may answer again (another method).
    sign_in_method: str
    # The run opens on this step (a config that is not valid TOML opens on `existing`).
    first_when: Callable[[Context], bool] | None
    # Why this step must be answered in this run (it cannot be skipped or kept), or None.
    required: Callable[[Context], str | None] | None

    def __init__(self, id: str, number: int, title: str, summary: str, fields: tuple[Field, ...],
                 plan: Callable[[Values, Answers, Context], Effects], from_config: Callable[[Context], Values],
                 describe: Callable[[Values], str], applies: Condition = always,
                 next_step: Callable[[Values], str | None] = _no_next_step, sections: tuple[str, ...] = (),
                 on_record: Callable[[Values, Context], None] | None = None, applies_when: str = "",
                 note: Callable[[Context], str] | None = None,
                 sign_in: Callable[[Values, Answers, Context], tuple[str, str] | None] | None = None,
                 set_aside: Callable[[Values], str | None] | None = None, sign_in_method: str = "",
                 first_when: Callable[[Context], bool] | None = None,
                 required: Callable[[Context], str | None] | None = None) -> None:
        self._set(id=id, number=number, title=title, summary=summary, fields=fields, plan=plan,
                  from_config=from_config, describe=describe, applies=applies, next_step=next_step,
                  sections=sections, on_record=on_record, applies_when=applies_when, note=note, sign_in=sign_in,
                  set_aside=set_aside, sign_in_method=sign_in_method, first_when=first_when, required=required)

    def field(self, key: str) -> Field:
        for fld in self.fields:
            if fld.key == key:
                return fld
        raise KeyError(key)


# Validators shared by several steps.

def valid_url(value: str, answers: Answers, ctx: Context) -> str | None:
    if not value:
        return None
    import re

    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value):
        return M("must be an absolute http(s) URL such as https://example.com/hook")
    return None


def valid_path(value: str, answers: Answers, ctx: Context) -> str | None:
    if not value:
        return M("must not be empty")
    if "\n" in value or "\0" in value:
        return M("must be a single-line path")
    return None
