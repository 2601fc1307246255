"""A close in a private helper meant for the end of life, but reached only from an ``async def
__del__`` and the object's own use, is no end of its life.

Python calls ``__del__`` and drops what it returns: an ``async def __del__`` only makes a
coroutine, and the release it awaits never runs. ``_disconnect()`` closing ``self._client``,
called from such a ``__del__`` and otherwise only from ``async_update()`` (to reconnect next
time), leaves the connection open when the owner is done with it (patman15/BMS_BLE-HA
``2076481b``). It still ends the object when something that does run at its end reaches it: a
public release (``close()``, ``stop()``, ``disconnect()``...), ``__aexit__``, ``__exit__``. Without
an ``async def __del__`` the class does not say where its end is meant to be (a teardown of its
own name, ``exit()``), and a helper is counted as a release wherever it is called."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, walk


def closed_mid_life_only(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    """Whether the method ``name`` (which closes an attribute of ``cls``) is a private helper that
    the class calls, but only from methods no end of the object reaches."""
    if not name.startswith("_") or name.startswith("__"):
        return False
    memo = module.project.class_memo
    key = ("mid-life", cls, name)
    if key not in memo:
        memo[key] = _mid_life_only(module, cls, name)
    return bool(memo[key])


def _mid_life_only(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    calls: dict[str, set[str]] = {}
    ends: set[str] = set()
    async_del = False
    for _, node in class_and_bases(module, cls):
        for stmt in node.body:
            if not isinstance(stmt, FUNCTION_NODES) or stmt.name in calls:
                continue
            me = stmt.args.args[0].arg if stmt.args.args else None
            calls[stmt.name] = {
                n.func.attr for n in walk(stmt)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and isinstance(n.func.value, ast.Name) and n.func.value.id == me
            }
            if _ends_the_object(stmt):
                ends.add(stmt.name)
            if stmt.name == "__del__" and isinstance(stmt, ast.AsyncFunctionDef) and name in calls[stmt.name]:
                async_del = True
    if not any(name in called for called in calls.values()):
        return False  # called from outside, if at all
    if not async_del:
        # Without an ``async def __del__`` the class says nothing of where it means its end to be
        # (``exit()``, ``finish()`` may be teardowns of their own): any caller may be one.
        return False
    reached = set(ends)
    stack = list(ends)
    while stack:
        for called in calls.get(stack.pop(), ()):
            if called not in reached:
                reached.add(called)
                stack.append(called)
    return name not in reached


def _ends_the_object(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if method.name == "__del__":
        return not isinstance(method, ast.AsyncFunctionDef)  # an async ``__del__`` never runs
    if method.name in ("__aexit__", "__exit__"):
        return True
    return not method.name.startswith("_") and is_release_name(method.name)
