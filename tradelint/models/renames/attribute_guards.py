"""Accesses whose code already expects the attribute may be missing, for TRD403 and TRD404.

``if hasattr(x, "name"): x.name``, ``x.name`` inside ``try: ... except AttributeError:``, and a
function that also reads the same name of the same receiver with ``getattr(x, "name", default)``
all say the author knows the name is not always there: an object of another version, a subclass,
a duck type. Reporting those is a false positive whatever the class defines.
"""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES

ATTRIBUTE_ERRORS = {"AttributeError"}


def probes(module: ModuleInfo) -> dict[ast.AST | None, set[tuple[str, str]]]:
    """Per function (None: module level): the (receiver, name) pairs probed with
    ``hasattr(receiver, "name")`` or ``getattr(receiver, "name", default)``."""
    key = ("attribute-probes", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if isinstance(found, dict):
        return found
    result: dict[ast.AST | None, set[tuple[str, str]]] = {}
    for call in module.index.calls:
        func = call.func
        if not (isinstance(func, ast.Name) and func.id in ("hasattr", "getattr")) or len(call.args) < 2:
            continue
        if func.id == "getattr" and len(call.args) < 3 and not call.keywords:
            continue  # getattr without a default raises like the attribute itself
        name = call.args[1]
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            scope = module.enclosing_function(call)
            result.setdefault(scope, set()).add((ast.unparse(call.args[0]), name.value))
    memo[key] = result
    return result


def catches_attribute_error(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` is in the body of a ``try`` with an ``except AttributeError`` (alone or in
    a tuple). ``except Exception`` says nothing about attributes: it wraps whole functions."""
    child = node
    for parent in module.ancestors(node):
        if isinstance(parent, ast.Try) and child in parent.body:
            for handler in parent.handlers:
                if handler.type is not None and _names(handler.type) & ATTRIBUTE_ERRORS:
                    return True
        if isinstance(parent, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            return False
        child = parent
    return False


def _names(expr: ast.expr) -> set[str]:
    elts = expr.elts if isinstance(expr, ast.Tuple) else [expr]
    return {e.id if isinstance(e, ast.Name) else e.attr for e in elts if isinstance(e, (ast.Name, ast.Attribute))}


def guarded(module: ModuleInfo, node: ast.Attribute) -> bool:
    """The access is one its code expects may fail (see the module docstring)."""
    probed = probes(module)
    if probed and (ast.unparse(node.value), node.attr) in probed.get(module.evaluating_function(node), ()):
        return True
    return catches_attribute_error(module, node)
