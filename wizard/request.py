"""What a run was asked to do, made once from argv and the environment by the command-line layer.

Frozen: the drivers and the machine read it; nothing below the command line sees argparse or
changes what was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

DEFAULT_SIGN_IN_TIMEOUT = 600.0


@dataclass(frozen=True)
class Preset:
    """One answer given before the run: its value and where it came from."""

    value: Any
    source: str  # for messages: "--gateway-port", "env OPENCLAW_FLOW", "answers.toml [channels] channels"
    origin: str = "flag"  # flag | env | file: env is ambient, flags and files are asked for

    @property
    def ambient(self) -> bool:
        """Set in the environment rather than given to this run: never reported as unused."""
        return self.origin == "env"


Presets = Mapping[str, Mapping[str, Preset]]  # {step_id: {field key: Preset}}


@dataclass(frozen=True)
class Problem:
    """An answer that could not be read, and the field it was for (None: the file itself, an unknown key).

    The headless report lists one problem per field: a field with a Problem is not also "missing"."""

    text: str
    field_id: str | None = None

    def __str__(self) -> str:
        return self.text


def frozen_presets(presets: Mapping[str, Mapping[str, Preset]]) -> Presets:
    return MappingProxyType({step: MappingProxyType(dict(values)) for step, values in presets.items()})


@dataclass(frozen=True)
class SignInOptions:
    """How to sign in: the method and the browser flags of `onboard` and `models auth login`."""

    method: str = "browser"  # browser | device | paste
    browser: str | None = None  # None = auto
    no_browser: bool = False
    callback_port: int | None = None
    timeout: float = DEFAULT_SIGN_IN_TIMEOUT

    def with_method(self, method: str) -> SignInOptions:
        return replace(self, method=method)

    def where_no_browser(self, reason: str | None) -> SignInOptions:
        """Not trying a browser where none can open (`reason`, in auto mode): the screen already says why."""
        auto = self.browser is None or self.browser.strip() == "auto"
        return replace(self, no_browser=True) if reason and auto else self


@dataclass(frozen=True)
class OnboardRequest:
    """`openclaw onboard` as asked: preset answers, where to start, what to skip, how to sign in."""

    presets: Presets = field(default_factory=lambda: frozen_presets({}))
    problems: tuple[Problem, ...] = ()  # answers that could not be read (reported with the others)
    step: str | None = None  # --step
    skip: tuple[str, ...] = ()  # --skip
    accept_defaults: bool = False
    dry_run: bool = False
    json: bool = False
    save_answers: Path | None = None
    signin: SignInOptions = field(default_factory=SignInOptions)
    headless_reason: str | None = None  # why this run is headless; None runs the TUI

    @property
    def interactive(self) -> bool:
        return self.headless_reason is None

    def preset_values(self, step_id: str) -> dict[str, Any]:
        return {key: preset.value for key, preset in self.presets.get(step_id, {}).items()}
