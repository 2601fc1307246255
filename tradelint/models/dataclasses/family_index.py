"""Questions about a class family answered from one walk: kept on the tree or computed without
rescanning (issue 34: a hierarchy's cost must grow with its size, not its square)."""

from __future__ import annotations

import ast

from tradelint.models.dataclasses.dataclass_model import ClassModel


def lineage(model: ClassModel) -> list[ClassModel]:
    """The class and its first-party bases: methods of a base see instances of the class too."""
    seen: list[ClassModel] = []
    met: set[int] = set()
    stack = [model]
    while stack:
        current = stack.pop()
        if id(current) in met:
            continue
        met.add(id(current))
        seen.append(current)
        stack.extend(b for b in current.bases if b is not None)
    return seen


_ALIAS_CANDIDATES = "_tradelint_alias_candidates"
AliasCandidate = tuple[ast.Assign | ast.AnnAssign, list[ast.Name], ast.expr]


def alias_candidates(tree: ast.Module) -> list[AliasCandidate]:
    """The assignments of ``tree`` (in ``ast.walk`` order) whose value may name a class or a
    ``partial`` of one (a name, an attribute, a call with arguments: what ``_callable_ref`` can
    accept), found in one walk kept on the tree: every class's family search asks each module it
    reads, and a walk per question made a hierarchy's cost grow with its square."""
    found: list[AliasCandidate] | None = tree.__dict__.get(_ALIAS_CANDIDATES)
    if found is not None:
        return found
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
            value: ast.expr | None = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets, value = [node.target], node.value
        else:
            continue
        if value is None or not targets:
            continue
        if isinstance(value, (ast.Name, ast.Attribute)) or (isinstance(value, ast.Call) and value.args):
            found.append((node, targets, value))
    setattr(tree, _ALIAS_CANDIDATES, found)
    return found
