"""The state machine both drivers run: current step, answers, next/back/jump/skip, sign-in, the plan.

Statuses per step: pending, done, kept (not visited: the existing config's values
stay), skipped (the user skipped it), n/a (does not apply, e.g. `existing`
without a config). After the last pending step the machine is at `sign-in` when
the answers ask for a sign-in not done yet in this run, else at `review`.

Sign-in is a phase of the machine: it says when a sign-in is due (`current ==
SIGN_IN`), `begin_sign_in` runs the writability pre-check and names what to sign
in to, the driver performs it, and `signed_in` records the outcome. The log holds
the phases in order, the same for the same answers whichever driver runs them.
"""

from __future__ import annotations

from wizard import steps as step_registry
from wizard.errors import UsageError, reason_of
from wizard.frozen import Frozen
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.plan import Plan
    from wizard.steps.base import Context, Field, Step
    from wizard.steps.shapes import Answers, Values

SIGN_IN, REVIEW, DONE, CANCELLED = "sign-in", "review", "done", "cancelled"
PHASES = (SIGN_IN, REVIEW, DONE, CANCELLED)


class SignInTarget(Frozen):
    __slots__ = ("provider", "method")
    provider: str
    method: str

    def __init__(self, provider: str, method: str) -> None:
        self._set(provider=provider, method=method)


class SignedIn(Frozen):
    """A sign-in completed in this run: its tokens are stored already."""

    __slots__ = ("provider", "method", "email", "plan")
    provider: str
    method: str
    email: str | None
    plan: str | None

    def __init__(self, provider: str, method: str, email: str | None = None, plan: str | None = None) -> None:
        self._set(provider=provider, method=method, email=email, plan=plan)


class StepInvalid(Exception):
    """Next was refused: {field key: human message}."""

    def __init__(self, step_id: str, errors: dict[str, str]):
        super().__init__(f"{step_id}: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.step_id = step_id
        self.errors = errors


class Machine:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.steps: tuple[Step, ...] = step_registry.STEPS
        self.values: dict[str, Values] = {}
        self.status: dict[str, str] = {s.id: "pending" for s in self.steps}
        self._kept_by: dict[str, list[str]] = {}  # step -> the steps its answer marked kept (Keep)
        self.signed: SignedIn | None = None
        self.log: list[str] = []  # the phases in order: step:<id>:<status>, precheck, sign-in:..., review ...
        self.current: str = self._first_step()

    # --- reading -----------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        return step_registry.BY_ID.get(self.current)

    def step_named(self, step_id: str) -> Step:
        return step_registry.get(step_id)

    def answers(self, draft_step: str | None = None, draft: Values | None = None) -> Answers:
        """Every step's values as conditions see them: recorded, kept (from config) or the draft."""
        combined: Answers = {}
        for s in self.steps:
            if s.id == draft_step and draft is not None:
                combined[s.id] = draft
            elif s.id in self.values:
                combined[s.id] = self.values[s.id]
            elif self.status[s.id] == "kept":
                combined[s.id] = s.from_config(self.ctx)
            else:
                combined[s.id] = {}
        return combined

    def applies(self, step: Step) -> bool:
        return step.applies(self.answers(), self.ctx)

    def fields(self, step_id: str, draft: Values | None = None) -> list[Field]:
        """The fields that apply given the draft values of this step."""
        step = step_registry.get(step_id)
        draft = dict(draft or {})
        shown = []
        for fld in step.fields:
            answers = self.answers(step_id, draft)
            if fld.applies(answers, self.ctx):
                shown.append(fld.available(answers, self.ctx))
            else:
                draft.pop(fld.key, None)
        return shown

    def resolve(self, step_id: str, preset: dict[str, Any] | None = None,
                accept_defaults: bool = False) -> tuple[Values, list[Field]]:
        """Values for the step from preset > recorded > default, and the fields still unanswered."""
        step = step_registry.get(step_id)
        preset = preset or {}
        recorded = self.values.get(step_id, {})
        draft: Values = {}
        missing: list[Field] = []
        for fld in step.fields:
            answers = self.answers(step_id, draft)
            if not fld.applies(answers, self.ctx):
                continue
            fld = fld.available(answers, self.ctx)
            if fld.key in preset:
                draft[fld.key] = preset[fld.key]
            elif fld.key in recorded:
                draft[fld.key] = recorded[fld.key]
            else:
                default = fld.default_for(answers, self.ctx)
                # A value the config already holds is an answer (`--step channels` keeps the Signal number).
                explicit = fld.needs_explicit_answer(answers, self.ctx) and fld.stored_value(self.ctx) is None
                if default is None or (explicit and not (accept_defaults and fld.defaultable)):
                    missing.append(fld)
                draft[fld.key] = default
        return draft, missing

    def prefill(self, step_id: str, preset: Values | None = None) -> Values:
        """What a form shows: recorded > preset > default, for every field, even those hidden now
        (they may appear as the user edits, e.g. the gateway fields when Manual is picked)."""
        prefill = {**(preset or {}), **self.values.get(step_id, {})}
        values, _ = self.resolve(step_id, prefill)
        for fld in step_registry.get(step_id).fields:
            if fld.key not in values:
                values[fld.key] = fld.default_for(self.answers(step_id, values), self.ctx)
        return values

    def follow_defaults(self, step_id: str, before: Values, after: Values) -> Values:
        """`after` with every value that still was its default in `before` moved to its default in `after`:
        a default that depends on other answers (the model on the auth choice) follows them until edited."""
        followed = dict(after)
        for fld in step_registry.get(step_id).fields:
            if fld.key not in before or before[fld.key] != after.get(fld.key):
                continue  # edited in this change, or not shown before
            was = fld.default_for(self.answers(step_id, before), self.ctx)
            if before[fld.key] == was:
                followed[fld.key] = fld.default_for(self.answers(step_id, followed), self.ctx)
        return followed

    def check(self, step_id: str, values: Values) -> tuple[Values, dict[str, str]]:
        """Typed values for the applicable fields, and {key: message} for the invalid ones."""
        typed: Values = {}
        errors: dict[str, str] = {}
        for fld in step_registry.get(step_id).fields:
            if not fld.applies(self.answers(step_id, typed), self.ctx):
                continue
            fld = fld.available(self.answers(step_id, typed), self.ctx)
            raw = values.get(fld.key)
            if fld.is_missing(raw):
                errors[fld.key] = M("is required")
                typed[fld.key] = raw
                continue
            try:
                value = fld.parse(raw)
            except ValueError as exc:
                errors[fld.key] = reason_of(exc)
                typed[fld.key] = raw
                continue
            typed[fld.key] = value
            message = fld.check(value, self.answers(step_id, typed), self.ctx)
            if message:
                errors[fld.key] = message
        return typed, errors

    # --- transitions --------------------------------------------------------------

    def next(self, values: Values) -> str:
        """Validate and record the current step's values, then advance."""
        step = self._require_step()
        typed, errors = self.check(step.id, values)
        if errors:
            raise StepInvalid(step.id, errors)
        self.record(step.id, typed)
        return self.current

    def record(self, step_id: str, typed: Values) -> None:
        """Store values as given (the headless driver records invalid ones to keep listing errors)."""
        step = step_registry.get(step_id)
        self.values[step_id] = typed
        self.status[step_id] = "done"
        self.log.append(f"step:{step_id}:done")
        if step.on_record:
            step.on_record(typed, self.ctx)
        for earlier in self._kept_by.pop(step_id, []):  # answered differently this time (Keep, Back, Update)
            if self.status[earlier] == "kept":
                self.status[earlier] = "pending"
        target = step.next_step(typed)
        if target:
            passed_over = [s.id for s in self.steps[step.number:step_registry.BY_ID[target].number - 1]
                           if self.status[s.id] in ("pending", "done")]
            for sid in passed_over:  # answers given to them earlier in this run no longer count
                self.status[sid] = "kept"
                self.values.pop(sid, None)
            self._kept_by[step_id] = passed_over
            self._go(target if self.status[target] == "pending" else self._next_pending(after=step_id))
        else:
            self._go(self._next_pending(after=step_id))

    def previous(self) -> str | None:
        """Where Back goes: the step before this position in step order that is part of this run (not
        kept, not n/a); None at the first one, and on Done."""
        if self.current in (DONE, CANCELLED):
            return None
        here = self.step.number - 1 if self.step is not None else len(self.steps)
        for s in reversed(self.steps[:here]):
            if self._in_run(s):
                return s.id
        return None

    def following(self) -> str | None:
        """The step after this one in step order that is part of this run, or None after the last."""
        if self.step is None:
            return None
        for s in self.steps[self.step.number:]:
            if self._in_run(s):
                return s.id
        return None

    def back(self) -> str:
        """To the previous step in step order (the same for both drivers, whatever the path here)."""
        target = self.previous()
        if target is not None:
            self.current = target
        return self.current

    def jump(self, step_id: str) -> str:
        step = step_registry.get(step_id)
        if not self.applies(step):
            raise UsageError(M("{step} does not apply here: it applies {when}", step=step.title, when=step.applies_when)
                             if step.applies_when else M("{step} does not apply here", step=step.title))
        self.current = step_id
        return step_id

    def skip(self, step_id: str | None = None) -> str:
        """Leave a step as the config has it (the current one by default) and go to the next one in order."""
        step = step_registry.get(step_id) if step_id else self._require_step()
        reason = step.required(self.ctx) if step.required else None
        if reason:
            raise UsageError(M("{step} cannot be skipped: {reason}", step=step.title, reason=reason))
        following = self.following() if step.id == self.current else None
        self.status[step.id] = "skipped"
        self.values.pop(step.id, None)
        self.log.append(f"step:{step.id}:skipped")
        if step.id == self.current:
            self._go(following or self._next_pending(after=step.id))
        return self.current

    def start_at(self, step_id: str) -> str:
        """Open on one step; every other step keeps the existing config's values."""
        step = step_registry.get(step_id)
        if self.status[step_id] == "skipped":
            raise UsageError(M("--skip {step} contradicts starting at {step} (--step/--auth-choice)", step=step_id),
                             hint=M("drop one of the two"))
        for s in self.steps:
            required = s.required(self.ctx) if s.required else None
            if s.id != step_id and self.status[s.id] == "pending" and not required:
                self.status[s.id] = "kept"
        if not self.applies(step):
            raise UsageError(M("step {step!r} does not apply here: it applies {when} (there is none at {path})",
                               step=step_id, when=step.applies_when, path=str(self.ctx.config_path))
                             if step.applies_when else M("step {step!r} does not apply here", step=step_id),
                             hint=M("run `openclaw onboard` without --step to create one"))
        self.current = step_id
        return step_id

    def cancel(self) -> None:
        self._go(CANCELLED)

    def finish(self) -> None:
        self._go(DONE)

    # --- sign-in, a phase of its own ---------------------------------------------------

    def sign_in_target(self) -> SignInTarget | None:
        """What the answers ask to sign in to, whether or not it is done."""
        answers = self.answers()
        target = None
        for step in self.steps:
            if self.status[step.id] == "done" and step.sign_in is not None:
                target = step.sign_in(self.values[step.id], answers, self.ctx) or target
        return SignInTarget(*target) if target else None

    def pending_sign_in(self) -> SignInTarget | None:
        """The sign-in still to do in this run (one completed for the same provider counts)."""
        target = self.sign_in_target()
        if target is None or (self.signed is not None and self.signed.provider == target.provider):
            return None
        return target

    def begin_sign_in(self) -> SignInTarget:
        """At `sign-in`: the writability pre-check (raises WizardError before any browser opens), then
        what the driver is to sign in to."""
        target = self.pending_sign_in()
        if self.current != SIGN_IN or target is None:
            raise RuntimeError(f"no sign-in is due (at {self.current})")
        from wizard.plan import check_writable

        check_writable(self.plan(), self.ctx)
        self.log.append("precheck")
        self.log.append(f"sign-in:{target.provider}:{target.method}")
        return target

    def sign_in_methods(self) -> list[tuple[str, str]]:
        """(value, label) of the methods the sign-in due could switch to (Keep is not one: it signs in to nothing)."""
        fld = self._sign_in_method_field()
        return [(o.value, o.label) for o in fld.options if o.value != "keep"]

    def sign_in_note(self) -> str | None:
        """What the step says about the method here (why Device code was chosen), for the sign-in phase too."""
        return self._sign_in_method_field().note_for(self.answers(), self.ctx)

    def change_sign_in_method(self, method: str) -> SignInTarget:
        """At `sign-in`: answer the step that asked for it again with another method. The driver abandons
        the attempt under way; the sign-in due is now this one (begin it with begin_sign_in)."""
        if self.current != SIGN_IN:
            raise RuntimeError(f"no sign-in is due (at {self.current})")
        step = self._sign_in_step()
        typed, errors = self.check(step.id, {**self.values[step.id], step.sign_in_method: method})
        if errors:
            raise StepInvalid(step.id, errors)
        self.values[step.id] = typed
        self.log.append(f"sign-in-method:{method}")
        target = self.pending_sign_in()
        if target is None:
            raise RuntimeError(f"{method} asks for no sign-in")
        return target

    def signed_in(self, record: dict[str, Any]) -> str:
        """The driver's sign-in succeeded (tokens stored): record it and move on to review."""
        target = self.pending_sign_in()
        if self.current != SIGN_IN or target is None:
            raise RuntimeError(f"no sign-in is due (at {self.current})")
        self.signed = SignedIn(target.provider, target.method, record.get("email"), record.get("plan"))
        self.log.append(f"signed-in:{target.provider}")
        self._go(self._next_pending(after=None))
        return self.current

    # --- results ------------------------------------------------------------------

    def plan(self) -> Plan:
        from wizard.plan import build

        return build(self)

    def summary(self) -> list[tuple[Step, str, str]]:
        """(step, status, description) for the sidebar and the review."""
        rows = []
        for s in self.steps:
            status = self.status[s.id]
            if not self.applies(s):
                status = "n/a"
            if status == "kept" and s.id not in self.values:
                rows.append((s, status, self._kept_description(s)))
                continue
            values = self.values.get(s.id)
            rows.append((s, status, s.describe(values) if values else ""))
        return rows

    def _kept_description(self, step: Step) -> str:
        if not step.sections:
            return ""
        if not any(section in (self.ctx.existing or {}) for section in step.sections):
            return M("not configured yet")
        return step.describe(step.from_config(self.ctx))

    # --- internals ----------------------------------------------------------------

    def _sign_in_step(self) -> Step:
        for step in self.steps:
            if self.status[step.id] == "done" and step.sign_in is not None \
                    and step.sign_in(self.values[step.id], self.answers(), self.ctx):
                return step
        raise RuntimeError("no step asks for a sign-in")

    def _sign_in_method_field(self) -> Field:
        step = self._sign_in_step()
        return step.field(step.sign_in_method).available(self.answers(), self.ctx)

    def _in_run(self, step: Step) -> bool:
        """Part of this run: to do, done or skipped here (not kept from the config, not n/a)."""
        return self.status[step.id] in ("pending", "done", "skipped") and self.applies(step)

    def _first_step(self) -> str:
        """Where the run opens: a step that must come first (a broken config opens on `existing`), else step 1."""
        for s in self.steps:
            if s.first_when is not None and s.first_when(self.ctx) and self.applies(s):
                return s.id
        return self._next_pending(after=None)

    def _require_step(self) -> Step:
        if self.step is None:
            raise RuntimeError(f"no step is current (at {self.current})")
        return self.step

    def _go(self, position: str) -> None:
        if position in PHASES and position != self.current:
            self.log.append(position)
        self.current = position

    def _next_pending(self, after: str | None) -> str:
        """The first pending step after `after`, wrapping round to any left pending before it; then
        the sign-in if one is due, then review."""
        start = 0 if after is None else step_registry.BY_ID[after].number
        for s in self.steps[start:] + self.steps[:start]:
            if self.status[s.id] != "pending":
                continue
            if self.applies(s):
                return s.id
            self.status[s.id] = "n/a"
        return SIGN_IN if self.pending_sign_in() else REVIEW
