"""How long a pause is, when the code says it: ``asyncio.sleep(delay)`` where ``delay`` is a
number, a module's constant (``REFRESH_DELAY: Final[float] = 0.5``, in the module or imported
from another of the project), or a local of the coroutine every assignment of which is worked out
of such values (``delay = DIMMER_DELAY if dimmer else max(0, REFRESH_DELAY - 0.3)``). Asked of a
Home Assistant timer whether it holds up the stop noticeably (fdebrus/Nikobus-HA ``e847601a``:
a settle delay of a second, not a timer the stop waits on)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import own_nodes

_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}


def longest_seconds(home: ModuleInfo, function: ast.AST, expr: ast.expr) -> float | None:
    """The longest pause ``expr`` (read in ``function`` of ``home``) can stand for, or None when
    some value of it is not known."""
    if isinstance(expr, ast.Name):
        values = [
            n.value for n in own_nodes(function)
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
        ]
        if values:
            found = [_seconds(home, v, 0) for v in values]
            return None if any(f is None for f in found) else max(f for f in found if f is not None)
    return _seconds(home, expr, 0)


def _seconds(home: ModuleInfo, expr: ast.expr, depth: int) -> float | None:
    if depth > 4:
        return None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool):
        return float(expr.value)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        value = _seconds(home, expr.operand, depth + 1)
        return None if value is None else -value
    if isinstance(expr, ast.BinOp) and type(expr.op) in _OPERATORS:
        left, right = _seconds(home, expr.left, depth + 1), _seconds(home, expr.right, depth + 1)
        if left is None or right is None or (isinstance(expr.op, ast.Div) and right == 0):
            return None
        return _OPERATORS[type(expr.op)](left, right)
    if isinstance(expr, ast.IfExp):
        body, orelse = _seconds(home, expr.body, depth + 1), _seconds(home, expr.orelse, depth + 1)
        return None if body is None or orelse is None else max(body, orelse)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("max", "min") and expr.args:
        values = [_seconds(home, a, depth + 1) for a in expr.args]
        if any(v is None for v in values) or expr.keywords:
            return None
        known = [v for v in values if v is not None]
        return max(known) if expr.func.id == "max" else min(known)
    if isinstance(expr, ast.Name):
        return _constant(home, expr, depth)
    return None


def _constant(home: ModuleInfo, name: ast.Name, depth: int) -> float | None:
    """The number a module-level constant ``name`` is bound to: in ``home``, or in the
    first-party module it is imported from."""
    owner, module_name = home, name.id
    if name.id in home.imports.names:
        qualified = home.imports.qualify(name) or ""
        path, _, module_name = qualified.rpartition(".")
        other = _module_named(home, path)
        if other is None:
            return None
        owner = other
    for stmt in owner.tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        value = getattr(stmt, "value", None)
        if value is not None and any(isinstance(t, ast.Name) and t.id == module_name for t in targets):
            return _seconds(owner, value, depth + 1)
    return None


def _module_named(home: ModuleInfo, dotted: str) -> ModuleInfo | None:
    """The project's module ``dotted`` names (``custom_components.nikobus.const``), parsed."""
    parts = dotted.split(".")
    for root in home.roots:
        for candidate in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                return home.project.module_at(candidate)
    return None
