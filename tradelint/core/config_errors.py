"""A configuration problem, worded for the user: file, position, table, key and what is wrong."""

from __future__ import annotations

import sys
from pathlib import Path


class ConfigError(Exception):
    """A configuration problem, already worded for the user: file, position, table, key and
    what is wrong. One error may carry others found in the same file (``others``): the whole
    file is reported at once, each problem on a line of its own."""

    def __init__(
        self,
        path: Path | str,
        key: str | None,
        problem: str,
        *,
        table: str | None = "tool.tradelint",
        position: tuple[int, int] | None = None,
    ) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        self.table = table
        self.position = position
        self.others: list[ConfigError] = []
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.path + (f":{self.position[0]}:{self.position[1]}" if self.position else "")
        subject = " ".join(
            ([f"[{self.table}]"] if self.table else []) + ([f"key '{self.key}'"] if self.key else [])
        )
        return f"{where}: {subject + ': ' if subject else ''}{self.problem}"

    @property
    def messages(self) -> list[str]:
        return [self.message, *(other.message for other in self.others)]

    def __str__(self) -> str:
        return "\n".join(self.messages)


def print_error(exc: Exception) -> None:
    """``tradelint: error: ...`` on stderr, one line per problem."""
    for message in exc.messages if isinstance(exc, ConfigError) else [str(exc)]:
        print(f"tradelint: error: {message}", file=sys.stderr)
