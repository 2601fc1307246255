"""A resource class chosen by name at runtime: ``getattr(ccxt, exchange_id)(config)``, or the class
bound first (``exchange_class = getattr(ccxt, exchange_id)``, then ``exchange_class(config)``).
Every public class of ccxt's async modules is an exchange that must be closed, so whichever the
name picks, the call makes one (how trading bots make the exchange their configuration names)."""

from __future__ import annotations

import ast
import weakref
from dataclasses import replace
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import capword, exits, walk
from tradelint.models.resources.resource_types import ResourceSpec


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


def class_made_by_function(module: ModuleInfo, call: ast.Call, builtin_spec: Callable[[str], ResourceSpec | None]) -> ResourceSpec | None:
    """``BotClass = _make_bot_class(self)``, then ``BotClass()``: an instance of the class a
    function of the module builds and returns (``class _Bot(botpy.Client): ...; return _Bot``),
    a library resource type's subclass, released as its base is (HKUDS/nanobot ``b53c3d39``);
    None when any ``return`` of the function gives something else."""
    func = call.func
    if not isinstance(func, ast.Name) or not capword(func.id) or func.id in module.imports.names:
        return None
    scope: ast.AST = module.enclosing_function(call) or module.tree
    bindings = _assigned_names(scope).get(func.id, [])
    if len(bindings) != 1 or not isinstance(maker := bindings[0], ast.Call) or not isinstance(maker.func, ast.Name):
        return None
    function = module.top_level.get(maker.func.id)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    classes = {node.name: node for node in walk(function) if isinstance(node, ast.ClassDef)}
    specs: list[ResourceSpec] = []
    for node in exits(function):
        returned = node.value if isinstance(node, ast.Return) else None
        made = classes.get(returned.id) if isinstance(returned, ast.Name) else None
        if made is None:
            return None
        spec = next((s for base in made.bases if (q := module.imports.qualify(base)) and (s := builtin_spec(q))), None)
        if spec is None:
            return None
        specs.append(replace(spec, inherited=True))
    return specs[0] if specs and all(s == specs[0] for s in specs) else None
