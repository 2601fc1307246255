"""Accesses whose code already expects the attribute may be missing, for TRD403 and TRD404.

``if hasattr(x, "name"): x.name``, ``x.name`` inside ``try: ... except AttributeError:``, and a
module that reads the same name with ``getattr(x, "name", default)`` or tests it with ``hasattr``
all say the author knows the name is not always there: an object of another version, a subclass,
a duck type. Reporting those is a false positive whatever the class defines.
"""

from __future__ import annotations

import ast

from flake8_tradelint.context import ModuleInfo

ATTRIBUTE_ERRORS = {"AttributeError"}


def probed_names(module: ModuleInfo) -> frozenset[str]:
    """Names the module probes: ``hasattr(x, "name")`` and ``getattr(x, "name", default)``."""
    key = ("probed-attribute-names", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if isinstance(found, frozenset):
        return found
    names = set()
    for call in module.index.calls:
        func = call.func
        if not (isinstance(func, ast.Name) and func.id in ("hasattr", "getattr")):
            continue
        if func.id == "getattr" and len(call.args) < 3 and not call.keywords:
            continue  # getattr without a default raises like the attribute itself
        if len(call.args) >= 2 and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str):
            names.add(call.args[1].value)
    result = memo[key] = frozenset(names)
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
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        child = parent
    return False


def _names(expr: ast.expr) -> set[str]:
    elts = expr.elts if isinstance(expr, ast.Tuple) else [expr]
    return {e.id if isinstance(e, ast.Name) else e.attr for e in elts if isinstance(e, (ast.Name, ast.Attribute))}


def guarded(module: ModuleInfo, node: ast.Attribute) -> bool:
    """The access is one its code expects may fail (see the module docstring)."""
    return node.attr in probed_names(module) or catches_attribute_error(module, node)
