"""OpenClaw onboarding core: Textual-free, importable without any UI library.

Submodules load lazily (PEP 562) so that `openclaw models auth status` pays
only for what it uses.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from types import ModuleType

_SUBMODULES = {"answers", "cli", "config", "errors", "headless", "machine", "paths", "plan", "steps", "auth"}


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        import sys

        __import__(f"{__name__}.{name}")  # not importlib: `models auth status` never loads it
        return sys.modules[f"{__name__}.{name}"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
