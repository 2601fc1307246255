"""Modules bound through a project function that imports and returns one: huggingface_hub's
``aiohttp = _import_aiohttp()`` (``import aiohttp`` inside a check that it is installed, then
``return aiohttp``), then ``aiohttp.ClientSession(...)``. The name is then the module, as a
function-level ``import aiohttp`` would make it (``ImportMap`` is module-wide), so that what is
made through it is known. Read from the helper's code, never imported."""

from __future__ import annotations

import ast
import weakref

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, capword, walk
from tradelint.facts.uses import bound_once

_DONE: weakref.WeakKeyDictionary[ModuleInfo, bool] = weakref.WeakKeyDictionary()


def with_helper_imports(module: ModuleInfo) -> ModuleInfo:
    """``module``, its import map given the modules its functions bind through such helpers (once
    per module; only a name that a class is read from, ``name.Capword(...)``, is asked about)."""
    if module in _DONE:
        return module
    _DONE[module] = True
    names = module.imports.names
    asked: set[str] = set()
    Attribute, Name = ast.Attribute, ast.Name  # exact types, as ``build_index`` tests them: every call is asked
    for call in module.index.calls:
        func = call.func
        if func.__class__ is not Attribute or func.value.__class__ is not Name or not capword(func.attr):
            continue
        name = func.value.id
        if name in names or name in module.top_level or name in asked:
            continue
        asked.add(name)
        function = module.enclosing_function(call)
        value = bound_once(function, name) if function is not None else None
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args and not value.keywords):
            continue
        found = resolve_definition(module, value.func)
        if found is not None and isinstance(found[1], FUNCTION_NODES) and (qualified := returned_module(found[1])) is not None:
            names[name] = qualified
    return module


def returned_module(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The module every ``return`` of ``function`` returns, bound by an ``import`` in it."""
    imported: dict[str, str] = {}
    returns: list[ast.Return] = []
    for node in walk(function):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".", 1)[0]] = alias.name if alias.asname else alias.name.split(".", 1)[0]
        elif isinstance(node, ast.Return):
            returns.append(node)
    modules = {imported.get(r.value.id) if isinstance(r.value, ast.Name) else None for r in returns}
    return next(iter(modules)) if len(modules) == 1 and None not in modules else None
