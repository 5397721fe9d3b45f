"""What the provider's redirect back carries, however it reaches us: the loopback callback or a paste.

Both readers take the first value of each name and refuse a query with more than
MAX_QUERY_FIELDS fields, so a pasted address means exactly what the same request would.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

MAX_QUERY_FIELDS = 64


def first_values(query: str) -> dict[str, str]:
    """The first value of each name in a query string; ValueError for a malformed or oversized one."""
    values: dict[str, str] = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS):
        values.setdefault(name, value)
    return values


@dataclass(frozen=True)
class ProviderRefused:
    """The provider sent the browser back with `error` (and maybe `error_description`)."""

    error: str
    description: str = ""

    @property
    def text(self) -> str:
        return f"{self.error}: {self.description}" if self.description else self.error
