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


def picked_from_mapping(module: ModuleInfo, call: ast.Call, spec_of: Callable[[ast.expr], ResourceSpec | None]) -> ResourceSpec | None:
    """``CLIENTS[kind](config)``, ``CLIENTS.get(kind)(config)``, or the class bound first
    (``client_class = CLIENTS[kind]``; ``protocol_class, transport_class = PROTOCOLS[key]``, each
    name an element of the pair): an instance of a class picked from a registry, a dict display
    bound once (in the module or the function) and never stored into, whose every value (or that
    element of every value) is a class of one kind of resource (``spec_of``: a library resource
    type or a first-party one, all released alike). Whichever the key picks, the call makes one."""
    func, element = call.func, None
    if isinstance(func, ast.Name):
        scope: ast.AST = module.enclosing_function(call) or module.tree
        bound = _assigned_names(scope).get(func.id, [])
        unpacked = _unpacked(scope).get(func.id, [])
        if len(bound) + len(unpacked) != 1:
            return None
        func, element = (bound[0], None) if bound else unpacked[0]
    registry = _registry(module, call, func)
    if registry is None:
        return None
    specs: list[ResourceSpec | None] = []
    for value in registry.values:
        if element is not None:
            value = value.elts[element] if isinstance(value, ast.Tuple) and len(value.elts) > element else None  # type: ignore[assignment]
        # (a library's class named through its module may be lower case: ``ccxt.binance``)
        specs.append(spec_of(value) if isinstance(value, ast.Attribute) or (isinstance(value, ast.Name) and capword(value.id)) else None)
    first = specs[0] if specs else None
    return first if first is not None and all(spec == first for spec in specs) else None


_UNPACKED: weakref.WeakKeyDictionary[ast.AST, dict[str, list[tuple[ast.expr, int]]]] = weakref.WeakKeyDictionary()


def _unpacked(scope: ast.AST) -> dict[str, list[tuple[ast.expr, int]]]:
    """``a, b = value`` statements anywhere in ``scope``: each name -> (value, its index)."""
    found = _UNPACKED.get(scope)
    if found is None:
        found = {}
        for node in walk(scope):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
                for index, target in enumerate(node.targets[0].elts):
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append((node.value, index))
        _UNPACKED[scope] = found
    return found


def _registry(module: ModuleInfo, call: ast.Call, picked: ast.expr) -> ast.Dict | None:
    """The dict display ``picked`` indexes (``M[key]``, ``M.get(key)``): ``M`` bound once to it in
    the calling function or the module, and nothing in the module stores into ``M`` by name."""
    if isinstance(picked, ast.Subscript):
        holder = picked.value
    elif (
        isinstance(picked, ast.Call) and isinstance(picked.func, ast.Attribute) and picked.func.attr == "get"
        and len(picked.args) == 1 and not picked.keywords
    ):
        holder = picked.func.value
    else:
        return None
    if not isinstance(holder, ast.Name):
        return None
    function = module.enclosing_function(call)
    for scope in ((function,) if function is not None else ()) + (module.tree,):
        bound = _assigned_names(scope).get(holder.id, []) + [
            node.value for node in (scope.body if isinstance(scope, ast.Module) else ())
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == holder.id and node.value is not None
        ]
        if not bound:
            continue
        if len(bound) != 1 or not isinstance(bound[0], ast.Dict) or None in bound[0].keys or _stored_into(module.tree, holder.id):
            return None
        return bound[0]
    return None


_STORED: weakref.WeakKeyDictionary[ast.AST, frozenset[str]] = weakref.WeakKeyDictionary()


def _stored_into(tree: ast.AST, name: str) -> bool:
    """Whether the module stores into ``name`` anywhere (``M[key] = cls``, ``M.update(...)``,
    ``M.setdefault(...)``): a registry filled at runtime may hold anything."""
    found = _STORED.get(tree)
    if found is None:
        names = set()
        for node in walk(tree):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
                names.add(node.value.id)
            elif isinstance(node, ast.Attribute) and node.attr in ("update", "setdefault", "__setitem__") and isinstance(node.value, ast.Name):
                names.add(node.value.id)
        found = _STORED[tree] = frozenset(names)
    return name in found
