"""The method of a first-party class by name, as an instance runs it: the definition in the nearest
class of its lineage that defines the name (the class itself first, then its first-party bases)."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import lineage
from tradelint.facts.syntax import FUNCTION_NODES


def nearest_method(module: ModuleInfo, expr: ast.expr, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The definition of ``name`` for the first-party class ``expr`` names (``Client``, or a
    construction of it), from the nearest class of its lineage whose methods hold the name; None
    when the class is not the project's, no class of the lineage defines it, or its source
    cannot be read."""
    found = class_named(module, expr)
    if found is None:
        return None
    for owner_module, facts in lineage(module.project, *found):
        if name not in facts.methods:
            continue
        node = class_node(module, owner_module, facts)
        if node is None:
            return None
        return next((s for s in node[1].body if isinstance(s, FUNCTION_NODES) and s.name == name), None)
    return None
