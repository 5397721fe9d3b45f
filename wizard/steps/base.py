"""What a step is: fields with defaults, validators and applicability, and the effects it plans."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.steps import kinds
from wizard.steps.kinds import Kind
from wizard.steps.values import SecretValue

__all__ = ["Advice", "Answers", "Context", "Effects", "Field", "Option", "SecretValue", "Step", "kinds"]


@dataclass(frozen=True)
class Advice:
    """A message whose remedy depends on who reads it: what to do on screen (the TUI) or which flag,
    env var or command to use (headless). One rule, two wordings; `Context.interactive` picks one."""

    text: str
    on_screen: str = ""
    headless: str = ""

    def render(self, interactive: bool) -> str:
        fix = self.on_screen if interactive else self.headless
        if not self.text:
            return fix  # two wordings of one message, nothing in common
        return f"{self.text} ({fix})" if fix else self.text


def said(message: str | Advice | None, ctx: Context) -> str | None:
    """A validator's or note's message in the wording for this run's driver."""
    return message.render(ctx.interactive) if isinstance(message, Advice) else message


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    help: str = ""


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
    interactive: bool = False  # a person answers (the TUI), not flags and files (headless)
    # Why no browser can open here (an SSH session, no display), None when one can.
    browser_blocked: str | None = None
    # Why the config file is not valid TOML (with line and column), None when it is (or there is none).
    config_problem: str | None = None
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
            import base64
            import os

            # secrets.token_urlsafe(32), without importing secrets (hashlib, hmac, random: 4 ms)
            token = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode("ascii")
            self._generated[name] = SecretValue(token, "generated", None)
        return self._generated[name]


Answers = dict  # {step_id: {key: value}}
Condition = Callable[[Answers, Context], bool]
Validator = Callable[[Any, Answers, Context], "str | Advice | None"]


def always(answers: Answers, ctx: Context) -> bool:
    return True


@dataclass(frozen=True)
class Field:
    step: str
    key: str
    kind: Kind
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
    # A standing acknowledgement (accepting the risk): given on any run, never "unused", and it does
    # not make a run with --auth-choice a full run.
    standing: bool = False
    # A second flag that takes a FILE holding this secret (--token-file F is --token @F).
    file_flag: str = ""
    # What the flag does beyond giving the answer (--auth-choice alone opens on its step).
    flag_note: str = ""
    # More env vars this answer may come from, given the other answers (OPENAI_API_KEY for an OpenAI key).
    extra_env: Callable[[Answers], tuple[str, ...]] | None = None
    # Whether a value goes into a saved answers file (a replaying machine decides some for itself).
    saved: Callable[[Any], bool] = lambda value: True
    # Where the answer lives in the config, e.g. ("channels", "signal", "number"): a value stored there is
    # the default, and it counts as an answer when a step is opened on that config (nothing to re-type).
    stored_at: tuple[str, ...] = ()
    # When the field is asked, in words ("when flow is manual"), for a conditional `applies`: it tells
    # why an answer given for it was not used.
    applies_when: str = ""
    # Tidies a parsed value into its one stored form (a phone number to E.164); ValueError names the rule.
    clean: Callable[[Any], Any] | None = None
    # A line about this machine shown with the field (why Device code is chosen), or None.
    note: Callable[[Answers, Context], str | Advice | None] | None = None

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
            return copy.deepcopy(stored)
        return self.default(answers, ctx) if callable(self.default) else copy.deepcopy(self.default)

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
        import dataclasses

        return dataclasses.replace(self, options=tuple(o for o in self.options if self.option_filter(o, answers, ctx)))

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
    sign_in: tuple[str, str] | None = None  # (provider, method): the sign-in phase, tokens stored on arrival


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
    next_step: Callable[[dict], str | None] = lambda values: None
    # The config's top-level tables this step writes: a kept step without them is "not configured yet".
    sections: tuple[str, ...] = ()
    # What recording this step's answer changes in the context (Reset: defaults stop coming from the config).
    on_record: Callable[[dict, Context], None] | None = None
    # Why the step may not apply, for a refused jump or --step (e.g. it needs a config file).
    applies_when: str = ""
    # A line about this machine shown with the step's fields (what the skills need that is missing).
    note: Callable[[Context], str] | None = None
    # The sign-in these values ask for, (provider, method), or None: the machine's sign-in phase.
    sign_in: Callable[[dict, Answers, Context], tuple[str, str] | None] | None = None
    # Why, given these values, the step's answers that do not apply are set aside with a note rather than
    # refused as unused (skipping Authorization makes a replayed method and model moot), or None.
    set_aside: Callable[[dict], str | None] | None = None
    # The field holding the sign-in method, which the sign-in phase may answer again (another method).
    sign_in_method: str = ""
    # The run opens on this step (a config that is not valid TOML opens on `existing`).
    first_when: Callable[[Context], bool] | None = None
    # Why this step must be answered in this run (it cannot be skipped or kept), or None.
    required: Callable[[Context], str | None] | None = None

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
