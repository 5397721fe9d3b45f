"""Frozen value objects without dataclasses.

`@dataclass(frozen=True)` writes and compiles each class's methods when the module loads: about a
millisecond per class, plus dataclasses' own import (inspect, ast, dis), on every run of every
command that loads them. A class deriving from Frozen lists its fields in __slots__ and sets them
once in its __init__ with `self._set(name=value, ...)`; Frozen gives it what a frozen dataclass
has: no assignment after that, equality and hashing by field values (same class only), a repr
naming the fields, and `replace(**changes)`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, Self


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a Frozen object (dataclasses' name for it)."""


class Frozen:
    __slots__: tuple[str, ...] = ()

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({fields})"

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (dataclasses.replace)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return self.__class__(**values)
