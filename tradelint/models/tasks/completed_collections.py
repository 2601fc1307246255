"""Tasks a function makes and holds only in a local collection that it hands to
``asyncio.as_completed``, left running when the loop over it is left early (TRD304).

The collection holds its tasks no better than ``as_completed``'s iterator holds the coroutines
it wraps (``completions``): when one awaited task's error leaves the loop (``result = await
coro`` raises it) and the function with it, the collection dies with the frame, and
``as_completed`` cancels none of the others. They run on, unowned, while the program goes on
after the error (PrimeIntellect-ai/verifiers ``f40fb353``: every rollout of a run went on after
one of them failed). The ways out of the loop are those of ``completions.left_behind``: its own
``break`` or ``return``, a cancellation the function catches around it, or an error where the
program goes on after the function fails.

The collection must be the function's own and nothing else's: bound only to an empty display
(``{}``, ``[]``, ``set()``) or a comprehension of task creations, filled only with tasks the
function makes (``tasks[task] = i``, ``tasks.append(task)``, ``tasks.add(create_task(...))``),
and otherwise only read by subscript or ``len``: iterated (``for t in tasks: t.cancel()`` in a
``finally``), passed, returned or stored, it may be ended by whoever gets it, and is not judged.
Reported where each task is made."""

from __future__ import annotations

import ast
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.models.tasks.completions import _expects_cancellation, _fails_out, _leaves_early

LabelOf = Callable[[ast.Call], "str | None"]

_VIEWS = frozenset({"keys", "values"})
_FILLS = frozenset({"append", "add"})


def tasks_left_behind(module: ModuleInfo, call: ast.Call, label_of: LabelOf) -> tuple[str, list[ast.stmt]] | None:
    """For ``asyncio.as_completed(<local collection>)`` (``call``) over tasks the function made:
    the collection's name and the statements that make its tasks, when a way out of the loop
    leaves them running; else None."""
    loop = module.parent(call)
    if isinstance(loop, ast.Call) and isinstance(loop.func, ast.Name) and loop.func.id == "enumerate":
        loop = module.parent(loop)
    if not (isinstance(loop, (ast.For, ast.AsyncFor)) and call.args and module.enclosing_scope(call) is not None):
        return None
    function = module.enclosing_function(call)
    if not isinstance(function, ast.AsyncFunctionDef) or module.enclosing_scope(call) is not function:
        return None
    given = call.args[0]
    name = _collection_name(given)
    if name is None:
        return None
    made = _own_tasks(module, function, name, given, label_of)
    if not made:
        return None
    if _leaves_early(loop) or _expects_cancellation(module, function, loop) or _fails_out(module, function, loop):
        return name, made
    return None


def _collection_name(given: ast.expr) -> str | None:
    """``tasks``, ``tasks.keys()``, ``tasks.values()``, ``list(tasks)``: the local's name."""
    if isinstance(given, ast.Name):
        return given.id
    if isinstance(given, ast.Call) and not given.keywords:
        func = given.func
        if isinstance(func, ast.Attribute) and func.attr in _VIEWS and not given.args and isinstance(func.value, ast.Name):
            return func.value.id
        if isinstance(func, ast.Name) and func.id in ("list", "set", "tuple") and len(given.args) == 1 and isinstance(given.args[0], ast.Name):
            return given.args[0].id
    return None


def _own_tasks(module: ModuleInfo, function: ast.AST, name: str, given: ast.expr, label_of: LabelOf) -> list[ast.stmt]:
    """The statements that make the tasks the local collection ``name`` holds, when it is the
    function's own (see the module's docstring); else empty."""
    made: list[ast.stmt] = []
    locals_made: dict[str, list[ast.stmt]] = {}
    for node in walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call) and label_of(value) is not None:
                locals_made.setdefault(node.targets[0].id, []).append(node)
    for node in walk(function):
        if isinstance(node, ast.arg) and node.arg == name:
            return []
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if _inside(module, node, given):
            continue
        parent = module.parent(node)
        if isinstance(node.ctx, ast.Store):
            statement = parent
            if isinstance(statement, ast.AnnAssign) and statement.value is not None:
                value = statement.value
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                value = statement.value
            else:
                return []
            if _empty(value):
                continue
            if isinstance(value, (ast.ListComp, ast.SetComp)) and isinstance(value.elt, ast.Call) and label_of(value.elt):
                made.append(statement)
                continue
            return []
        if isinstance(parent, ast.Subscript) and parent.value is node:
            holder = module.parent(parent)
            if isinstance(parent.ctx, ast.Store):
                # ``tasks[task] = i``: the key is a task made here (or the value is).
                if not isinstance(holder, ast.Assign):
                    return []
                key = parent.slice
                found = _made(module, key, locals_made, label_of) or _made(module, holder.value, locals_made, label_of)
                if found is None:
                    return []
                made.append(found)
            continue  # ``tasks[coro]``: a read of one entry
        if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _FILLS:
            holder = module.parent(parent)
            if not (isinstance(holder, ast.Call) and len(holder.args) == 1):
                return []
            found = _made(module, holder.args[0], locals_made, label_of)
            if found is None:
                return []
            made.append(found)
            continue
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len":
            continue
        return []  # iterated, passed, returned, stored: its tasks may be ended elsewhere
    return made


def _made(module: ModuleInfo, value: ast.expr, locals_made: dict[str, list[ast.stmt]], label_of: LabelOf) -> ast.stmt | None:
    """The statement that makes the task ``value`` is: a local bound to a creation (the last
    such binding before the use), or the statement of the creation itself
    (``tasks.append(asyncio.create_task(...))``)."""
    if isinstance(value, ast.Name):
        before = [s for s in locals_made.get(value.id, ()) if (s.lineno, s.col_offset) <= (value.lineno, value.col_offset)]
        return max(before, key=lambda s: (s.lineno, s.col_offset)) if before else None
    if isinstance(value, ast.Call) and label_of(value) is not None:
        current: ast.AST | None = value
        while current is not None and not isinstance(current, ast.stmt):
            current = module.parent(current)
        return current if isinstance(current, ast.stmt) else None
    return None


def _empty(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Set, ast.Tuple)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("set", "dict", "list") and not value.args and not value.keywords


def _inside(module: ModuleInfo, node: ast.AST, given: ast.expr) -> bool:
    current: ast.AST | None = node
    while current is not None:
        if current is given:
            return True
        if isinstance(current, ast.stmt):
            return False
        current = module.parent(current)
    return False
