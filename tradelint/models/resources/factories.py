"""First-party functions that make a resource and hand it to their caller: a call of one is a
creation of that resource (``session = make_session()``), owned by the caller."""

from __future__ import annotations

import ast
from typing import Callable, cast

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import walk
from tradelint.models.resources.resource_types import ResourceSpec, first_party_spec

BuiltinSpec = Callable[[str], "ResourceSpec | None"]


def module_factories(module: ModuleInfo, builtin_spec: BuiltinSpec, model: OwnershipModel) -> dict[str, ResourceSpec]:
    """The module's own functions that make a library resource and hand it to the caller:
    every ``return`` returns a new one (``def make_session(): return ClientSession(...)``).
    A call of one is a creation of that resource, owned by the caller."""
    found: dict[str, ResourceSpec] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and module.top_level.get(stmt.name) is stmt:
            spec = factory_spec(module, stmt, builtin_spec, model)
            if spec is not None:
                found[stmt.name] = spec
    return found


def imported_factory(module: ModuleInfo, func: ast.Name, builtin_spec: BuiltinSpec, model: OwnershipModel) -> ResourceSpec | None:
    """``from .http import make_session``: the resource the first-party function returns.
    Judged once per run and function (the verdict depends on the function and on what it
    names, never on the caller)."""
    named = definition_of(module, func)
    if named is None or named[1].kind != "function":
        return None
    memo = module.project.class_memo
    key = ("resource-factory", named[0].path, named[0].digest, named[1].line)
    if key in memo:
        return cast("ResourceSpec | None", memo[key])
    memo[key] = None  # a factory that calls itself
    spec = None
    target = resolve_definition(module, func)
    if target is not None and isinstance(target[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
        spec = factory_spec(target[0], target[1], builtin_spec, model)
    memo[key] = spec
    return spec


def factory_spec(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, builtin_spec: BuiltinSpec, model: OwnershipModel
) -> ResourceSpec | None:
    """The resource every ``return`` of ``function`` makes, if one kind of it: a library
    resource of the table, or instances of first-party resource types released alike
    (``create_client()`` returning an ``SshClient`` or a ``UbusClient``, each closed by
    ``await client.disconnect()``)."""
    specs: list[ResourceSpec] = []
    # First-party classes returned on other paths that hold nothing themselves, by their methods:
    # ``create_client()`` returning a ``UbusClient`` (an aiohttp session) or an ``SshClient``
    # (paramiko), both ended by ``disconnect()``: the caller must call it whichever it gets.
    others: list[frozenset[str]] = []
    for node in walk(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            value = node.value
            if isinstance(value, ast.Await):
                value = value.value
            if not isinstance(value, ast.Call):
                return None
            qualified = module.imports.qualify(value.func)
            spec = builtin_spec(qualified) if qualified is not None else None
            if spec is None:
                found = model.first_party_type(module, value.func)
                if found is None:
                    methods = _class_methods(module, value.func)
                    if methods is None:
                        return None
                    others.append(methods)
                    continue
                spec = first_party_spec(found.release, lazy=found.lazy, awaited=found.awaited)
            specs.append(spec)
    if not specs or any(spec != specs[0] for spec in specs):
        return None
    return specs[0] if all(specs[0].close in methods for methods in others) else None


def _class_methods(module: ModuleInfo, func: ast.expr) -> frozenset[str] | None:
    """The methods a first-party class and its first-party bases define; None for anything else."""
    found = definition_of(module, func)
    if found is None or found[1].kind != "class":
        return None
    facts = found[0].classes.get(found[1].line)
    if facts is None:
        return None
    return frozenset(name for _, member in lineage(module.project, found[0], facts) for name in member.methods)
