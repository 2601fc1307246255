"""The functions a module hands to a web framework to run at a phase of the application, by the
name they are known by (``f`` for ``f`` and ``<x>.f``). One walk of registrations, asked with the
framework's names of a phase: its lists (aiohttp's ``app.on_cleanup.append(f)``, also ``insert``,
``extend([...])`` and ``+= [...]``), its keywords (``Starlette(lifespan=f)``) and its events
(``app.add_event_handler("shutdown", f)``, ``@app.on_event("shutdown")``).

Asked by :mod:`.end_of_life` (what runs at the application's end: ``on_cleanup``/``on_shutdown``
and the ``shutdown`` event) and by :mod:`.app_startup` (the generators a framework resumes past
their ``yield`` at the end: ``cleanup_ctx``, ``lifespan=``)."""

from __future__ import annotations

import ast
import weakref

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES

Phase = tuple[frozenset[str], frozenset[str], frozenset[str]]

# Per module tree (weakly held: it goes with the tree), per phase asked, the names registered.
_REGISTERED: weakref.WeakKeyDictionary[ast.AST, dict[Phase, frozenset[str]]] = weakref.WeakKeyDictionary()


def registered_names(
    module: ModuleInfo,
    lists: frozenset[str] = frozenset(),
    keywords: frozenset[str] = frozenset(),
    events: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The names of the functions ``module`` registers in one of the framework's ``lists``
    (``<x>.<list>.append(f)``/``insert(i, f)``, ``<x>.<list>.extend([f, ...])``, ``<x>.<list> +=
    [f, ...]``), as one of its ``keywords`` (``<call>(<keyword>=f)``) or for one of its
    ``events`` (``<x>.add_event_handler("<event>", f)``, ``@<x>.on_event("<event>")``). Read
    once per module and phase."""
    phase = (lists, keywords, events)
    memo = _REGISTERED.setdefault(module.tree, {})
    found = memo.get(phase)
    if found is None:
        found = memo[phase] = _registered(module, lists, keywords, events)
    return found


def _registered(module: ModuleInfo, lists: frozenset[str], keywords: frozenset[str], events: frozenset[str]) -> frozenset[str]:
    names: set[str] = set()
    for call in module.index.calls:
        for keyword in call.keywords:
            if keyword.arg in keywords:
                add_name(names, keyword.value)
        func = call.func
        if not (isinstance(func, ast.Attribute) and call.args):
            continue
        if isinstance(func.value, ast.Attribute) and func.value.attr in lists:
            if func.attr in ("append", "insert"):
                add_name(names, call.args[-1])
            elif func.attr == "extend" and isinstance(call.args[0], (ast.List, ast.Tuple)):
                for element in call.args[0].elts:
                    add_name(names, element)
        elif func.attr == "add_event_handler" and first_string(call) in events:
            add_name(names, call.args[-1])
    for node in ast.walk(module.tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute) and node.target.attr in lists and (
                isinstance(node.value, (ast.List, ast.Tuple))):
            for element in node.value.elts:
                add_name(names, element)
        elif isinstance(node, FUNCTION_NODES) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "on_event" and first_string(d) in events
                for d in node.decorator_list):
            names.add(node.name)
    return frozenset(names)


def first_string(call: ast.Call) -> str | None:
    """The string ``call`` is given first (an event's name), if any."""
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def add_name(names: set[str], expr: ast.expr) -> None:
    """``f`` for ``f`` and ``<x>.f``: the name a registered handler is known by."""
    if isinstance(expr, ast.Name):
        names.add(expr.id)
    elif isinstance(expr, ast.Attribute):
        names.add(expr.attr)
