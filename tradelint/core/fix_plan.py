"""What a fix is: made by a rule at detection time, so the fixer locates and rewrites, never decides.

A rule attaches a :class:`FixSpec` (edits on ``ast`` nodes) to its report; the engine turns each
node into a :class:`Span` of 0-based character columns, because ``ast`` counts UTF-8 bytes and
libcst counts characters, and the finding then carries a hashable :class:`Fix`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Safety = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class Span:
    line: int  # 1-based
    col: int  # 0-based, characters
    end_line: int
    end_col: int


@dataclass(frozen=True)
class EditSpec:
    """One rewrite, on a node of this file or (``path``) of another first-party file."""

    kind: str
    node: ast.AST
    params: tuple[tuple[str, str], ...] = ()
    path: Path | None = None


@dataclass(frozen=True)
class FixSpec:
    title: str
    safety: Safety
    edits: tuple[EditSpec, ...] = field(default=())


@dataclass(frozen=True)
class Edit:
    kind: str
    path: str  # absolute path of the file the edit rewrites
    span: Span
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str:
        return dict(self.params)[name]


@dataclass(frozen=True)
class Fix:
    title: str
    safety: Safety
    edits: tuple[Edit, ...]

    def applies(self, unsafe: bool) -> bool:
        return self.safety == "safe" or unsafe
