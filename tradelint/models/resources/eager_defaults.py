"""A resource made as the fallback argument of a lookup: ``kwargs.get("session",
aiohttp.ClientSession())``. Python evaluates every argument before the call, so the resource is
made on every call, also when the key is there and the lookup returns what it holds; then
nothing keeps the new one, and it is dropped unclosed (zxdavb/evohome-async ``023b7991``). The
lookups are a mapping's ``get``, ``pop`` and ``setdefault`` with the key and the fallback only,
and the builtins ``getattr(obj, name, fallback)`` and ``next(iterator, fallback)``; the cure
makes it only when missing (``kwargs.get("session") or ClientSession()``)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo

_MAPPING_LOOKUPS = frozenset({"get", "pop", "setdefault"})
_BUILTIN_LOOKUPS = {"getattr": 2, "next": 1}  # the fallback's position


def eager_default(module: ModuleInfo, expr: ast.expr) -> str | None:
    """How the lookup whose fallback ``expr`` is spells its callee (``kwargs.get``), if it is one."""
    call = module.parent(expr)
    if not isinstance(call, ast.Call) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _MAPPING_LOOKUPS:
        position = 1
    elif isinstance(func, ast.Name) and func.id in _BUILTIN_LOOKUPS and module.imports.qualify(func) is None and func.id not in module.top_level:
        position = _BUILTIN_LOOKUPS[func.id]
    else:
        return None
    if len(call.args) != position + 1 or call.args[position] is not expr or call.keywords:
        return None
    return ast.unparse(func)
