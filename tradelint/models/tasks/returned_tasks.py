"""A task factory whose callers all drop the task it returns: ``def _register(hass, entry):
return asyncio.create_task(_subscribe(hass, entry))``, called only as a statement. The factory
picks the work (its coroutine is not one the caller hands in, as a wrapper's is) and hands the
only reference to callers that throw it away: nothing can cancel the task at the owner's end,
and the fix belongs where the task is made (iMicknl/ha-nest-protect ``0599dcfa``: the polling
subscription ran on after every unload). Each dropping call is reported too, as before.

Ownership is judged across the project (tests aside): every call of a function of that name,
in any module, must drop the result (a statement of its own, or an awaited async factory's
result as a statement); one call that keeps it (binds, stores, passes, awaits or returns the
task) or a reference to the function that is not a call (handed on as a callback, whose caller
is not known) is an owner that may end it, and then nothing is reported."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming
from tradelint.models.tasks.other_objects import is_test_path, search_root


def dropped_factory(module: ModuleInfo, call: ast.Call, expr: ast.expr) -> tuple[ast.stmt, str, int] | None:
    """``return <creator>(<coroutine call>)`` (``call``, ``expr`` the returned value holding it)
    in a module-level function or a method of a module-level class whose every call in the
    project drops what it returns: the ``return`` statement, the function's name and how many
    calls drop it; else None."""
    stmt = module.parent(expr)
    if not isinstance(stmt, ast.Return) or stmt.value is not expr:
        return None
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function or function.name.startswith("__"):
        return None
    owner = module.parent(function)
    if isinstance(owner, ast.ClassDef):
        owner = module.parent(owner)
    if not isinstance(owner, ast.Module):
        return None  # a nested helper is handed on (``get_waiter=get_waiter``): its callers are not known
    if not (call.args and isinstance(call.args[0], ast.Call)) or _given(function, call.args[0]):
        return None  # a wrapper of what the caller gives: the callers are told where they drop it
    dropped = _dropping_calls(module, function)
    return None if dropped is None else (stmt, function.name, dropped)


def _given(function: ast.FunctionDef | ast.AsyncFunctionDef, coro: ast.Call) -> bool:
    """Whether the coroutine's function is one the caller hands in (a parameter, or an
    attribute of one other than ``self``/``cls``): the caller picks the work."""
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)]
    if function.args.vararg is not None:
        params.append(function.args.vararg.arg)
    if function.args.kwarg is not None:
        params.append(function.args.kwarg.arg)
    root: ast.expr = coro.func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in params:
        return False
    return not (root is not coro.func and params and root.id == params[0] and root.id in ("self", "cls"))


def _dropping_calls(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    """How many calls of ``function``'s name the project makes (tests aside), when there is one
    and every one drops the result and the name is used in no other way; else None."""
    root = search_root(module)
    if root is None:
        return None
    name = function.name
    module.project.note_scan(f"mentions {name}", root)  # for the cache, memo or not
    memo = module.project.scan_memo(name)
    key = ("callers-drop", root, name, isinstance(function, ast.AsyncFunctionDef))
    if key not in memo:
        memo[key] = _count_drops(module, root, name, isinstance(function, ast.AsyncFunctionDef))
    found = memo[key]
    return found if isinstance(found, int) else None


def _count_drops(module: ModuleInfo, root: Path, name: str, awaited: bool) -> int | None:
    dropped = 0
    needle = name.encode()
    for path, data in files_naming(module.project, root, name):
        if needle not in data or is_test_path(path):
            continue
        other = module if path == module.path else module.project.module_at(path)
        if other is None:
            return None
        for node in ast.walk(other.tree):
            # A load of the name (an import or a rebinding neither keeps nor drops a task).
            if not (
                (isinstance(node, ast.Name) and node.id == name or isinstance(node, ast.Attribute) and node.attr == name)
                and isinstance(node.ctx, ast.Load)
            ):
                continue
            holder = other.parent(node)
            if not (isinstance(holder, ast.Call) and holder.func is node):
                return None  # handed on or looked up: whoever gets it may keep the task
            used = other.parent(holder)
            if awaited:  # ``await factory()`` gives the task; a bare call only a coroutine
                used = other.parent(used) if isinstance(used, ast.Await) else None
            if not isinstance(used, ast.Expr):
                return None
            dropped += 1
    return dropped or None
