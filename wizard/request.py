"""What a run was asked to do, made once from argv and the environment by the command-line layer.

Frozen: the drivers and the machine read it; nothing below the command line sees argparse or
changes what was asked. Plain Frozen classes, not dataclasses: every `onboard` loads this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from wizard.frozen import Frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

DEFAULT_SIGN_IN_TIMEOUT = 600.0


class Preset(Frozen):
    """One answer given before the run: its value and where it came from."""

    __slots__ = ("value", "source", "origin")
    value: Any
    source: str  # for messages: "--gateway-port", "env OPENCLAW_FLOW", "answers.toml [channels] channels"
    origin: str  # flag | env | file: env is ambient, flags and files are asked for

    def __init__(self, value: Any, source: str, origin: str = "flag") -> None:
        self._set(value=value, source=source, origin=origin)

    @property
    def ambient(self) -> bool:
        """Set in the environment rather than given to this run: never reported as unused."""
        return self.origin == "env"


Presets = Mapping[str, Mapping[str, Preset]]  # {step_id: {field key: Preset}}


class Problem(Frozen):
    """An answer that could not be read, and the field it was for (None: the file itself, an unknown key).

    The headless report lists one problem per field: a field with a Problem is not also "missing"."""

    __slots__ = ("text", "field_id")
    text: str
    field_id: str | None

    def __init__(self, text: str, field_id: str | None = None) -> None:
        self._set(text=text, field_id=field_id)

    def __str__(self) -> str:
        return self.text


def frozen_presets(presets: Mapping[str, Mapping[str, Preset]]) -> Presets:
    return MappingProxyType({step: MappingProxyType(dict(values)) for step, values in presets.items()})


class SignInOptions(Frozen):
    """How to sign in: the method and the browser flags of `onboard` and `models auth login`."""

    __slots__ = ("method", "browser", "no_browser", "callback_port", "timeout")
    method: str  # browser | device | paste
    browser: str | None  # None = auto
    no_browser: bool
    callback_port: int | None
    timeout: float

    def __init__(self, method: str = "browser", browser: str | None = None, no_browser: bool = False,
                 callback_port: int | None = None, timeout: float = DEFAULT_SIGN_IN_TIMEOUT) -> None:
        self._set(method=method, browser=browser, no_browser=no_browser, callback_port=callback_port,
                  timeout=timeout)

    def with_method(self, method: str) -> SignInOptions:
        return self.replace(method=method)

    def where_no_browser(self, reason: str | None) -> SignInOptions:
        """Not trying a browser where none can open (`reason`, in auto mode): the screen already says why."""
        auto = self.browser is None or self.browser.strip() == "auto"
        return self.replace(no_browser=True) if reason and auto else self


class OnboardRequest(Frozen):
    """`openclaw onboard` as asked: preset answers, where to start, what to skip, how to sign in."""

    __slots__ = ("presets", "problems", "step", "skip", "accept_defaults", "dry_run", "json", "save_answers",
                 "signin", "headless_reason")
    presets: Presets
    problems: tuple[Problem, ...]  # answers that could not be read (reported with the others)
    step: str | None  # --step
    skip: tuple[str, ...]  # --skip
    accept_defaults: bool
    dry_run: bool
    json: bool
    save_answers: Path | None
    signin: SignInOptions
    headless_reason: str | None  # why this run is headless; None runs the TUI

    def __init__(self, presets: Presets | None = None, problems: tuple[Problem, ...] = (), step: str | None = None,
                 skip: tuple[str, ...] = (), accept_defaults: bool = False, dry_run: bool = False,
                 json: bool = False, save_answers: Path | None = None, signin: SignInOptions | None = None,
                 headless_reason: str | None = None) -> None:
        self._set(presets=frozen_presets({}) if presets is None else presets, problems=problems, step=step,
                  skip=skip, accept_defaults=accept_defaults, dry_run=dry_run, json=json,
                  save_answers=save_answers, signin=SignInOptions() if signin is None else signin,
                  headless_reason=headless_reason)

    @property
    def interactive(self) -> bool:
        return self.headless_reason is None

    def preset_values(self, step_id: str) -> dict[str, Any]:
        return {key: preset.value for key, preset in self.presets.get(step_id, {}).items()}
