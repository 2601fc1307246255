"""An awaited call that a test expects to fail before it opens anything.

A client that opens its session on first use holds nothing until one of its methods gets that
far. In a test, ``with pytest.raises(ValueError): await client.create_playlist(media_type="x")``
states that the call fails, and when the method raises that very error while it checks its
arguments, before it awaits anything or calls another method of its own, nothing was opened:
the client is left holding nothing (troykelly/homeassistant-emby's tests).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TypeGuard

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import walk, class_method
from tradelint.facts.awaited_uses import awaited_through
from tradelint.facts.uses import self_name


def awaited_use(module: ModuleInfo, node: ast.expr, made_by: ast.expr, views: bool = False) -> bool:
    """Whether ``node`` (a local holding an instance that ``made_by`` constructs) has a method
    awaited through it that may get to open something: :func:`awaited_through` (``views``: of a
    library's client), unless the awaited method is expected by a test to raise an error it
    raises before anything else."""
    return awaited_through(module, node, views=views) and not _fails_first(module, node, made_by) and not _leaves_held_alone(module, node, made_by)


def _leaves_held_alone(module: ModuleInfo, node: ast.expr, made_by: ast.expr) -> bool:
    """``await app.index(request)`` on an instance of a first-party class of the same module
    whose held resources (``self.runner = web.AppRunner(app)``) open only when used: the awaited
    method, and the methods of ``self`` it calls, never touch one of them, so nothing was opened.
    (A class of another module is not read again for this: its summary does not say.)"""
    method = module.parent(node)
    found = definition_of(module, made_by) if isinstance(method, ast.Attribute) else None
    if found is None or found[1].kind != "class" or found[0].path != str(module.path):
        return False
    cls = next((c for c in module.index.classes if c.lineno == found[1].line), None)
    methods = {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))} if cls else {}
    held = {
        t.attr
        for m in methods.values()
        for n in walk(m)
        if isinstance(n, ast.Assign) and isinstance(n.value, (ast.Call, ast.Await))
        for t in n.targets
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == self_name(m)
    }
    seen: set[str] = set()
    todo = [method.attr] if isinstance(method, ast.Attribute) and method.attr in methods else []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        me = self_name(methods[name])
        for n in walk(methods[name]):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == me:
                if n.attr in held:
                    return False
                if n.attr in methods:
                    todo.append(n.attr)
    return bool(held and seen)


def _fails_first(module: ModuleInfo, node: ast.expr, made_by: ast.expr) -> bool:
    method = module.parent(node)
    if not isinstance(method, ast.Attribute):
        return False
    call = module.parent(method)
    if not (isinstance(call, ast.Call) and call.func is method):
        return False
    expected = _expected_error(module, call)
    if expected is None:
        return False
    definition = _method(module, made_by, method.attr)
    return definition is not None and _raises_before_anything(definition, expected)


def _expected_error(module: ModuleInfo, call: ast.Call) -> str | None:
    """The error a ``with pytest.raises(E)`` around ``call`` expects, by its last name."""
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        if not isinstance(ancestor, (ast.With, ast.AsyncWith)):
            continue
        for item in ancestor.items:
            raises = item.context_expr
            if _pytest_raises(raises, module) and raises.args and isinstance(raises.args[0], (ast.Name, ast.Attribute)):
                error = raises.args[0]
                return error.id if isinstance(error, ast.Name) else error.attr
    return None


def _method(module: ModuleInfo, made_by: ast.expr, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method ``name`` of the first-party class ``made_by`` names, read in its own body."""
    found = definition_of(module, made_by)
    if found is None or found[1].kind != "class":
        return None
    summary, definition = found
    owner = module.project.module_at(Path(summary.path))
    if owner is None:
        return None
    cls = next((c for c in owner.index.classes if c.lineno == definition.line and c.name == definition.name), None)
    if cls is None:
        return None
    return class_method(cls, name)


def _raises_before_anything(method: ast.FunctionDef | ast.AsyncFunctionDef, error: str) -> bool:
    """Whether ``method``'s own statements raise ``error`` (under a test, ``if media_type not in
    TYPES: raise ValueError(...)``) before any of them awaits or calls a method of ``self``."""
    receiver = self_name(method)
    for statement in method.body:
        if isinstance(statement, ast.If) and any(_raises(s, error) for s in statement.body):
            return True
        if _raises(statement, error):
            return True
        for node in walk(statement):
            if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
                return False
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == receiver
            ):
                return False
    return False


def _raises(statement: ast.stmt, error: str) -> bool:
    if not isinstance(statement, ast.Raise) or statement.exc is None:
        return False
    exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
    return (isinstance(exc, ast.Name) and exc.id == error) or (isinstance(exc, ast.Attribute) and exc.attr == error)


def made_to_fail(module: ModuleInfo, call: ast.Call) -> bool:
    """``with pytest.raises(InvalidDsnError): await create_pool("mysql://h/d")``: the creation is
    the statement a test expects to raise, the last of the block (lusterier/scalper-v2's pool
    tests). Either it raises, and nothing was made, or the test fails: no resource is left."""
    statement: ast.AST = call
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            return bool(ancestor.body) and ancestor.body[-1] is statement and any(_pytest_raises(item.context_expr, module) for item in ancestor.items)
        if isinstance(ancestor, ast.stmt):
            if not isinstance(statement, ast.expr):
                return False  # (nested in a compound statement of the block: not the block's own)
            statement = ancestor
    return False


def _pytest_raises(expr: ast.expr, module: ModuleInfo) -> TypeGuard[ast.Call]:
    """``pytest.raises(...)``, as a ``with`` item."""
    return isinstance(expr, ast.Call) and module.imports.qualify(expr.func) == "pytest.raises"
