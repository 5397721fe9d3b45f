"""What the provider's redirect back carries, however it reaches us: the loopback callback or a paste.

Both readers take the first value of each name and refuse a query with more than
MAX_QUERY_FIELDS fields, so a pasted address means exactly what the same request would.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from wizard.i18n import M, Msg

MAX_QUERY_FIELDS = 64


def first_values(query: str) -> dict[str, str]:
    """The first value of each name in a query string; ValueError for a malformed or oversized one."""
    values: dict[str, str] = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS):
        values.setdefault(name, value)
    return values


@dataclass(frozen=True)
class ProviderRefused:
    """The provider sent the browser back with `error` (and maybe `error_description`), as data:
    terminal controls in it are removed (safetext)."""

    error: str
    description: str = ""

    def __post_init__(self) -> None:
        from wizard.auth.safetext import clean

        object.__setattr__(self, "error", clean(self.error))
        object.__setattr__(self, "description", clean(self.description))

    @property
    def text(self) -> str:
        return f"{self.error}: {self.description}" if self.description else self.error


def same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def issuer_problem(params: dict[str, str], issuer: str, required: bool) -> Msg | str:
    """RFC 9207: why an authorization response's `iss` shows it is not from our provider ("" if it is fine),
    as a clause without its final period (the browser page ends it, a rejected paste goes on)."""
    iss = params.get("iss")
    if iss is None:
        return M("The provider promises to name itself in every response (RFC 9207), and this one does not; "
                 "it may come from another provider") if required and issuer else ""
    if issuer and not same_issuer(iss, issuer):
        return M("This response names another provider as its issuer (RFC 9207), so it is not the answer to "
                 "this sign-in")
    return ""
