"""The shapes of answers, named for the type checker: one step's values and every step's answers.

At run time both names are plain `dict` (a runtime alias such as `Callable[[Answers, Context], bool]`
may use them), and `typing` is not imported: the onboarding path does not need it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    Values: TypeAlias = dict[str, Any]  # one step's answers: {field key: value}
    Answers: TypeAlias = dict[str, Values]  # every answered step's: {step id: Values}
else:
    Values = Answers = dict

__all__ = ["Answers", "Values"]
