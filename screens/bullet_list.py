"""A list with a hanging indent; long paths and URLs fold inside their own column."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


def bullet_table(lines: list[str | Text], bullet: str = "•") -> Table:
    table = Table.grid(padding=(0, 1, 0, 0))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for line in lines:
        table.add_row(bullet, line if isinstance(line, Text) else Text(line, overflow="fold"))
    return table


class BulletList(Static):
    def __init__(self, lines: list[str | Text], **kwargs) -> None:
        super().__init__(bullet_table(lines), **kwargs)
