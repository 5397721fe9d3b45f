"""Values that travel between the steps, the drivers and the plan."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SecretValue:
    """A secret and where it came from; `ref` is what an answers file may hold instead of the value."""

    value: str = field(repr=False)
    origin: str  # env | file | stdin | typed | generated | existing
    ref: dict[str, str] | None = None

    def __str__(self) -> str:  # never leak through formatting
        return "<secret>"
