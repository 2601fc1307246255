"""A resource class chosen by name at runtime: ``getattr(ccxt, exchange_id)(config)``, or the class
bound first (``exchange_class = getattr(ccxt, exchange_id)``, then ``exchange_class(config)``).
Every public class of ccxt's async modules is an exchange that must be closed, so whichever the
name picks, the call makes one (how trading bots make the exchange their configuration names)."""

from __future__ import annotations

import ast
import weakref

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk


def picked_by_name(module: ModuleInfo, call: ast.Call, modules: frozenset[str]) -> bool:
    """Whether ``call`` makes an instance of a class that ``getattr`` takes, by name, from a module
    imported under one of the local names ``modules``."""
    func = call.func
    if _getattr_of(func, modules):
        return True
    if not isinstance(func, ast.Name):
        return False
    scope: ast.AST = module.enclosing_function(call) or module.tree
    bindings = _assigned_names(scope).get(func.id, [])
    return len(bindings) == 1 and _getattr_of(bindings[0], modules)


# Per scope (a function, or the module's tree), kept while its tree lives: every call of a plain
# name in the scope asks, and a walk per call made a module of such calls cost its square.
_ASSIGNED: weakref.WeakKeyDictionary[ast.AST, dict[str, list[ast.expr]]] = weakref.WeakKeyDictionary()


def _assigned_names(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """The values of the ``name = value`` statements anywhere in ``scope`` (nested scopes
    included, in the order of ``walk``), by each name a statement's targets bind; once per
    statement however many of its targets name it."""
    found = _ASSIGNED.get(scope)
    if found is None:
        found = {}
        for node in walk(scope):
            if isinstance(node, ast.Assign):
                for name in dict.fromkeys(t.id for t in node.targets if isinstance(t, ast.Name)):
                    found.setdefault(name, []).append(node.value)
        _ASSIGNED[scope] = found
    return found


def _getattr_of(expr: ast.expr, modules: frozenset[str]) -> bool:
    """``getattr(ccxt, name)`` (a default given or not) where ``ccxt`` is one of ``modules``; a
    constant name must be an exchange's (lower case), not ``"Exchange"`` or a helper's."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id == "getattr"
        and len(expr.args) in (2, 3)
        and isinstance(expr.args[0], ast.Name)
        and expr.args[0].id in modules
    ):
        return False
    name = expr.args[1]
    if isinstance(name, ast.Constant):
        return isinstance(name.value, str) and name.value.isidentifier() and name.value.islower()
    return True
