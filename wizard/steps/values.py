"""Values that travel between the steps, the drivers and the plan."""

from __future__ import annotations

from wizard.frozen import Frozen


class SecretValue(Frozen):
    """A secret and where it came from; `ref` is what an answers file may hold instead of the value."""

    __slots__ = ("value", "origin", "ref")
    value: str  # never in the repr
    origin: str  # env | file | stdin | typed | generated | existing
    ref: dict[str, str] | None

    def __init__(self, value: str, origin: str, ref: dict[str, str] | None = None) -> None:
        self._set(value=value, origin=origin, ref=ref)

    def __repr__(self) -> str:
        return f"SecretValue(origin={self.origin!r}, ref={self.ref!r})"

    def __str__(self) -> str:  # never leak through formatting
        return "<secret>"
