"""Whether a configured `task-keeper` names something the project or the path defines: read as
source, never imported, so that a keeper naming nothing is a configuration error naming the key."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path


def keeper_problem(folder: Path, keeper: str) -> str | None:
    """Why ``keeper`` names nothing importable in the project (the configuration's folder or its
    ``src``, or an installed module on ``sys.path``), or None. Read, never imported."""
    owner, _, name = keeper.rpartition(".")
    rel = os.path.join(*owner.split("."))
    bases = [folder, folder / "src", *(Path(p) for p in sys.path if p and os.path.isdir(p))]
    for base in bases:
        for candidate in (base / (rel + ".py"), base / rel / "__init__.py"):
            if not os.path.isfile(candidate):
                continue
            try:
                tree = ast.parse(candidate.read_bytes())
            except (OSError, SyntaxError, ValueError):
                return None  # cannot tell: the fixes' own checks still apply
            if name in _top_level_names(tree):
                return None
            return f"'{keeper}': {candidate} defines no top-level '{name}'"
    return f"'{keeper}': no module '{owner}' in the project ({folder}) or on the path"


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        else:
            names.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names
