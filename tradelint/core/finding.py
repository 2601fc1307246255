"""What a rule reports, in the shape every front-end prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradelint.core.fix_plan import Fix


@dataclass(frozen=True, order=True)
class Finding:
    """One finding. Lines and columns are 1-based; columns count characters, not bytes."""

    path: str
    line: int
    column: int
    code: str
    message: str
    end_line: int
    end_column: int
    fix: Fix | None = field(default=None, compare=False)
    # What the message does not say (why it matters, where a rename comes from); derived from
    # the same facts as the message, so it takes no part in comparisons.
    help: str | None = field(default=None, compare=False)
    # Whether the project's own tests showed this leak (the pytest plugin's last report, matched
    # by tradelint.runtime.matching); None when there is no report or the rule has no runtime twin.
    confirmed: bool | None = field(default=None, compare=False)

    def as_json(self) -> dict[str, Any]:
        data = {
            "code": self.code,
            "message": valid_unicode(self.message),
            "help": None if self.help is None else valid_unicode(self.help),
            "path": valid_unicode(self.path),
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": None if self.fix is None else {"title": self.fix.title, "safety": self.fix.safety},
        }
        if self.confirmed is not None:
            data["confirmed"] = self.confirmed
        return data

    def as_text(self) -> str:
        mark = ""
        if self.fix is not None:
            mark = " [*]" if self.fix.safety == "safe" else " [*unsafe]"
        return f"{self.path}:{self.line}:{self.column}: {self.code}{mark} {self.message}"


def valid_unicode(text: str) -> str:
    """Valid Unicode for JSON: an undecodable byte of a file name (``surrogateescape``) as ``\\xff``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
