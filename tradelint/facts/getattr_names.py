"""``getattr(self, name)`` read as the loads of ``self.<name>`` it can be: a string constant
names one attribute; a loop variable over a literal tuple, list or set of string constants
names each of them (``for attr in ("_write_task", "_poll_task"): task = getattr(self, attr)``,
an end method cancelling its tasks one by one: Pho3niX90/solis_modbus ``340dffac``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tradelint.facts.release_names import is_release_name
from tradelint.facts.syntax import walk


def self_getattr_calls(method: ast.AST, receiver: str | None) -> Iterator[tuple[str, ast.Call]]:
    """Each ``getattr(<receiver>, ...)`` in ``method`` with every attribute name it can read."""
    if receiver is None:
        return
    looped: dict[int, tuple[str, ...]] = {}
    for node in walk(method):
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
            names = _constant_names(node.iter)
            var = node.target.id
            inside = [n for stmt in node.body for n in ast.walk(stmt)]
            if names is None or any(isinstance(n, ast.Name) and n.id == var and not isinstance(n.ctx, ast.Load) for n in inside):
                continue  # (not a literal of names, or the variable is bound again in the body)
            for n in inside:
                if _getattr_of(n, receiver) and isinstance(n.args[1], ast.Name) and n.args[1].id == var:  # type: ignore[attr-defined]
                    looped[id(n)] = names
    for node in walk(method):
        if not _getattr_of(node, receiver):
            continue
        assert isinstance(node, ast.Call)
        key = node.args[1]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield key.value, node
        for name in looped.get(id(node), ()):
            yield name, node


def _getattr_of(node: ast.AST, receiver: str) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
        and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == receiver
    )


def _constant_names(expr: ast.expr) -> tuple[str, ...] | None:
    if not isinstance(expr, (ast.Tuple, ast.List, ast.Set)) or not expr.elts:
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in expr.elts):
        return None
    return tuple(e.value for e in expr.elts)  # type: ignore[attr-defined]


def looked_up(call: ast.Call, node: ast.expr) -> str | None:
    """``getattr(node, "get_services", None)``, ``hasattr(node, "pair")``: the attribute named,
    read as ``node.get_services`` is (nothing keeps ``node``); None for any other call, and for a
    release looked up by name (``getattr(client, "close", None)``, a release where it is called:
    ``models/resources/getattr_releases.py``)."""
    if not (
        isinstance(call.func, ast.Name) and call.func.id in ("getattr", "hasattr") and call.args and call.args[0] is node
        and len(call.args) >= 2 and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
    ):
        return None
    name = call.args[1].value
    return None if is_release_name(name) else name
