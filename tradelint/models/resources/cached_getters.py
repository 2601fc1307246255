"""A getter that keeps what it makes and hands the same one to every caller lends it: the callers
borrow it, and whoever ends the kept one (an application's shutdown) owns it.

A function is a factory of what it returns (its caller owns each one) only when every call makes
a new one. Two shapes say a call may hand out one an earlier call made instead:

- its result is cached by a decorator (``functools.cache``, ``lru_cache``, async-lru's
  ``alru_cache``, ``cached``);
- it returns a module global (or an enclosing function's variable: ``global _client``,
  ``nonlocal``) that it makes only when it has none yet: a ``return`` of it comes before the
  store (``if _ready: return _client``), or the store is under a test that reads a kept name
  (``if _client is None: _client = Client()``).

A function that stores a new one in the global on every call and returns it still makes one per
call, and stays a factory.
"""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk

_CACHING = frozenset({"cache", "lru_cache", "alru_cache", "cached"})


def result_cached(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``@functools.lru_cache`` (called or not) on ``function``: a call may return an earlier one's result."""
    for decorator in function.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in _CACHING:
            return True
    return False


def kept_across_calls(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Whether ``name``, returned by ``function``, is a global (or nonlocal) it makes only when it
    has kept none from an earlier call (see the module's doc)."""
    kept = {n for node in walk(function) if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}
    if name not in kept:
        return False
    stores = [
        node for node in walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ]
    if not stores:
        return True  # hands out what another function made
    first = min(store.lineno for store in stores)
    if any(
        isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id == name and node.lineno < first
        for node in walk(function)
    ):
        return True  # ``if _ready: return _client`` before ``_client = Client()``
    for store in stores:
        node = module.parent(store)
        while node is not None and node is not function:
            if isinstance(node, (ast.If, ast.While)) and any(isinstance(read, ast.Name) and read.id in kept for read in ast.walk(node.test)):
                return True  # ``if _client is None: _client = Client()``
            node = module.parent(node)
    return False
