"""The plan: every effect of the visited steps, shown at review and applied once at the end."""

from __future__ import annotations

import os

from wizard import config as config_store
from wizard.fsutil import atomic_write, ensure_private_dir
from wizard.i18n import MC, M
from wizard.steps.base import Context, SecretValue

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from wizard.auth.store import Record
    from wizard.machine import Machine, SignedIn


# A sign-in method's id as a plan line names it: the id in English (scripts read these lines), its
# label's words in Japanese.
METHOD_WORDS = {"browser": MC("sign-in method", "browser"), "device": MC("sign-in method", "device"),
                "paste": MC("sign-in method", "paste")}


class Plan:
    """A plain class, not a dataclass: every `onboard` builds one (see wizard/frozen.py)."""

    def __init__(self, config_path: Path, before: str | None, after: str, *, reset: bool = False) -> None:
        self.config_path = config_path
        self.before = before
        self.after = after
        self.reset = reset
        self.secrets: dict[str, SecretValue] = {}
        self.credentials: list[Record] = []
        self.dirs: list[Path] = []
        self.files: list[tuple[Path, str]] = []  # to create
        self.kept_files: list[Path] = []  # exist already: left alone
        self.notes: list[str] = []  # the warnings too: every driver's last lines show them
        self.warnings: list[str] = []
        self.sign_in: tuple[str, str] | None = None  # (provider, method) the answers ask to sign in with
        self.signed: SignedIn | None = None  # that sign-in, completed in this run (its tokens are stored)

    def __repr__(self) -> str:
        return f"Plan(config_path={self.config_path!r}, reset={self.reset!r}, sign_in={self.sign_in!r})"

    @property
    def config_changes(self) -> bool:
        return self.reset or self.after != (self.before or "")

    def diff(self, *, for_people: bool = False) -> str:
        """The config's unified diff; `for_people` names its two sides in the reader's language (never in JSON)."""
        import difflib

        name = self.config_path.name
        now: str = M("{name} (now)", name=name)
        new: str = M("{name} (new)", name=name)
        if for_people:
            from wizard.i18n import localize

            now, new = localize(now), localize(new)
        before = "" if self.reset else (self.before or "")
        lines = difflib.unified_diff(before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                     fromfile=str.__str__(now), tofile=str.__str__(new))
        return "".join(lines)

    def lines(self) -> list[str]:
        """The human review: what will be written, secrets by name only; paths under home as ~/..."""
        from wizard.render import short_path

        config = short_path(str(self.config_path))
        out: list[str] = []
        if self.reset:
            out.append(M("back up and replace {path}", path=config))
        elif self.config_changes:
            out.append(M("update {path}", path=config) if self.before is not None else M("create {path}", path=config))
        else:
            out.append(M("keep {path} (no changes)", path=config))
        out += [M("store secret {name}", name=name) for name in sorted(self.secrets)]
        out += [M("store credentials for {provider}", provider=c["provider"]) for c in self.credentials]
        if self.signed:
            signed = self.signed
            method = METHOD_WORDS.get(signed.method, signed.method)
            out.append(M("signed in to {provider} as {email} ({method}); its tokens are stored",
                         provider=signed.provider, email=signed.email, method=method) if signed.email else
                       M("signed in to {provider} ({method}); its tokens are stored", provider=signed.provider,
                         method=method))
        elif self.sign_in:
            out.append(M("sign in to {provider} ({method}) before anything is written; "
                         "tokens are stored as soon as they arrive", provider=self.sign_in[0],
                         method=METHOD_WORDS.get(self.sign_in[1], self.sign_in[1])))
        out += [M("create {path}", path=short_path(str(path))) for path, _ in self.files]
        out += [M("keep {path} (exists)", path=short_path(str(path))) for path in self.kept_files]
        # The warning: and note: tags stay as they are in every language (people and scripts grep for them).
        out += [_tagged("warning", w) for w in self.warnings]
        out += [_tagged("note", n) for n in self.notes if n not in self.warnings]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"config": str(self.config_path), "config_changes": self.config_changes, "reset": self.reset,
                "diff": self.diff(), "secrets": sorted(self.secrets),
                "credentials": [c["provider"] for c in self.credentials],
                "files": [str(p) for p, _ in self.files], "kept_files": [str(p) for p in self.kept_files],
                "sign_in": list(self.sign_in) if self.sign_in else None,
                "signed_in": self.signed is not None, "notes": self.notes, "warnings": self.warnings}


def _tagged(tag: str, text: str) -> str:
    return M("{tag}: {text}", tag=tag, text=text)


def build(machine: Machine) -> Plan:
    ctx = machine.ctx
    answers = machine.answers()
    patch: dict[str, Any] = {}
    plan = Plan(config_path=ctx.config_path, before=None, after="")
    for step in machine.steps:
        if machine.status[step.id] != "done":
            continue
        effects = step.plan(machine.values[step.id], answers, ctx)
        patch.update(effects.config)
        plan.secrets.update(effects.secrets)
        plan.credentials += effects.credentials
        plan.dirs += [d for d in effects.dirs if not d.is_dir()]
        for path, text in effects.files:
            if path.exists():
                plan.kept_files.append(path)
            else:
                plan.files.append((path, text))
        plan.notes += effects.notes
        plan.reset = plan.reset or effects.reset_config
        plan.sign_in = effects.sign_in or plan.sign_in
    if plan.sign_in and machine.signed and machine.signed.provider == plan.sign_in[0]:
        plan.signed = machine.signed
    before_text = ctx.existing_text
    plan.before = before_text
    if ctx.config_problem is not None and not plan.reset:
        from wizard.errors import UsageError

        raise UsageError(M("{path} is not valid TOML ({problem}): only Reset can replace it", path=str(ctx.config_path),
                           problem=ctx.config_problem))
    if patch or plan.reset:
        plan.after = config_store.render(before_text, patch, reset=plan.reset)
    else:
        plan.after = before_text or ""
    warning = model_without_credential(plan, ctx, patch)
    if warning:
        plan.warnings.append(warning)
        plan.notes.append(warning)
    return plan


def model_without_credential(plan: Plan, ctx: Context, patch: dict[str, Any] | None = None) -> str | None:
    """A warning when the new config's default model has no credential behind it: none stored, none stored
    by this plan, no sign-in in this run (a config whose agent could never answer)."""
    from wizard.steps.base import Advice, said

    model = default_model(plan, patch)
    if not isinstance(model, str) or not model:
        return None
    serving = providers_serving(model)
    if not serving or serving & credentialed_providers(plan, ctx):
        return None  # a local model, or one that has a credential
    choice = next((p for p in sorted(serving) if p in ("openai-codex", "openai-api-key", "anthropic-api-key")),
                  "token")
    return said(Advice(M("the default model {model} has no credential yet, so the agent cannot use it", model=model),
                       on_screen=M("go back to Authorization and choose how to reach it"),
                       headless=M("run again with --auth-choice {choice}", choice=choice)), ctx)


def default_model(plan: Plan, patch: dict[str, Any] | None = None) -> object:
    """models.default in the new config (None when it has none). A config made of `patch` alone (a first
    one, or after Reset) is read from the patch, not parsed back: tomllib (with typing and datetime) would
    cost a first onboarding about 5 ms."""
    key = "models.default"
    if patch is not None and (plan.before is None or plan.reset) \
            and not any(key.startswith(k + ".") or k.startswith(key + ".") for k in patch):
        return patch.get(key)
    import tomllib

    models = tomllib.loads(plan.after).get("models", {}) if plan.after else {}
    return models.get("default") if isinstance(models, dict) else None


def providers_serving(model: str) -> set[str]:
    """The credential providers that can serve `model`: from the catalog, else by its family
    (openai/... is served by the providers whose default model is openai/...)."""
    from wizard.auth.providers import BUILTIN
    from wizard.catalog import load_catalog

    for entry in load_catalog():
        if entry.get("id") == model:
            return set() if entry.get("local") else set(entry.get("providers") or [])
    family = model.partition("/")[0]
    return {p.id for p in BUILTIN.values() if p.default_model.partition("/")[0] == family} or {family}


def credentialed_providers(plan: Plan, ctx: Context) -> set[str]:
    from wizard.auth import codex_cli

    usable = {p for p, kind in ctx.stored_credentials.items() if kind in ("oauth", "api_key", "token")}
    usable |= {c["provider"] for c in plan.credentials}
    if plan.sign_in:
        usable.add(plan.sign_in[0])  # both drivers sign in before anything is written
    if codex_cli.auth_path().is_file():
        usable.add("openai-codex")  # the Codex CLI's own sign-in serves it too (read-only)
    return usable


def check_writable(plan: Plan, ctx: Context) -> None:
    """Fail before anything happens (a sign-in, a write) if the plan needs a file we cannot rewrite."""
    if plan.secrets and ctx.secrets_problem is not None:
        raise ctx.secrets_problem
    from wizard.auth import store

    providers = {c["provider"] for c in plan.credentials}
    if plan.sign_in and not plan.signed:
        providers.add(plan.sign_in[0])
    for provider in sorted(providers):
        store.check_writable(provider)


def finish(machine: Machine, save_answers: Path | None = None) -> tuple[Plan, list[str]]:
    """Both drivers' last act: the answers file first (a bad path fails before anything else), then apply."""
    from wizard import answers

    plan = machine.plan()
    check_writable(plan, machine.ctx)
    written: list[str] = []
    if save_answers is not None:
        answers.save(machine, save_answers)
        written.append(str(save_answers))
    written = apply(plan, machine.ctx.state_dir) + written
    machine.finish()
    return plan, written


def apply(plan: Plan, state_dir: Path) -> list[str]:
    """Write everything in the plan; returns what was written.

    The workspace comes first (the likeliest to fail: a path the user typed), then the config's backup
    (a copy of what is there, harmless if the run stops after it; it fails first where the config's
    directory cannot be written, before any secret or credential is replaced), the config last, so a
    failure part-way never leaves a config pointing at secrets that were not stored.
    """
    from wizard.auth import store

    written: list[str] = []
    ensure_private_dir(state_dir)
    for directory in plan.dirs:
        _make_dir(directory)
        written.append(str(directory) + "/")
    for path, text in plan.files:
        if _create_file(path, text):
            written.append(str(path))
    if plan.config_changes:
        written += _write_backup(plan, state_dir)
    if plan.secrets:
        written.append(str(store.save_secrets({k: v.value for k, v in plan.secrets.items()})))
    if plan.credentials:
        from wizard.auth.refresh import credential_lock

        for record in plan.credentials:
            with credential_lock(record["provider"]):  # never interleave with a refresh or a sign-in
                written.append(str(store.save(record)))
    if plan.config_changes:
        written += _write_config(plan)
    return written


def _write_backup(plan: Plan, state_dir: Path) -> list[str]:
    path = plan.config_path
    if path.parent == state_dir:
        ensure_private_dir(path.parent)
    else:
        _make_dir(path.parent)  # OPENCLAW_CONFIG_PATH elsewhere: never change that dir's mode
    if plan.before is None:
        return []
    backup = config_store.backup_name(path) if plan.reset else path.with_name(path.name + ".bak")
    atomic_write(backup, plan.before, mode=0o600)
    return [str(backup)]


def _write_config(plan: Plan) -> list[str]:
    atomic_write(plan.config_path, plan.after, mode=0o600)
    return [str(plan.config_path)]


def _make_dir(path: Path) -> None:
    from wizard.errors import StorageError, os_reason

    try:
        if path.is_dir():
            return
        path.mkdir(parents=True)
        os.chmod(path, 0o755)  # mkdir's mode is filtered by the umask (000 would give 0777)
    except OSError as exc:
        raise StorageError(M("cannot create {path}: {reason}", path=str(path), reason=os_reason(exc)),
                           hint=M("choose another workspace with --workspace"),
                           on_screen=M("go back to Agent Hatching and choose another workspace")) from None


def _create_file(path: Path, text: str) -> bool:
    """Create `path` only if it does not exist (O_EXCL: never overwrite, even in a race)."""
    from wizard.errors import StorageError, os_reason

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StorageError(M("cannot create {path}: {reason}", path=str(path), reason=os_reason(exc))) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True
