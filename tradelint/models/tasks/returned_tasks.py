"""Tasks made by a factory: a first-party function that makes a task of a coroutine it picks
itself and returns it (``def _register(hass, entry): return asyncio.create_task(
_subscribe(hass, entry))``). The factory picks the work, as a wrapper of what its caller hands
in does not, and the task is made where it returns it: what its callers do with the task is
judged across the project (tests aside), and a finding goes where the task is made.

- Every call drops the task (a statement of its own, or an awaited async factory's result as a
  statement): nothing can cancel it at its owner's end, and the fix belongs in the factory
  (iMicknl/ha-nest-protect ``0599dcfa``: the polling subscription ran on after every unload).
  Each dropping call is reported too, as before.
- Its only call keeps the task on ``self`` (an attribute, a collection) where nothing ends it at
  the object's end: the finding for that attribute goes to the factory's ``return``, where the
  task is made (bachya/ecowitt2mqtt ``b3eabfa9``: the MQTT loop tasks of a factory method, kept in
  a list cancelled only in an ``except``).

A call that keeps the task otherwise (binds, passes, awaits or returns it), or a reference to
the function that is not a call (handed on as a callback, whose caller is not known: a nested
``get_waiter`` given to a runner), is an owner that may end it: the first is then not reported,
and the second keeps its finding at the call. Without a project marker (a package checked on its
own) only a private function (``_register``) is judged: a sibling package may call a public one."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES, class_method, own_returns
from tradelint.facts.uses import self_name
from tradelint.models.tasks.other_objects import is_test_path, search_root

Function = ast.FunctionDef | ast.AsyncFunctionDef


def dropped_factory(module: ModuleInfo, call: ast.Call, expr: ast.expr) -> tuple[ast.stmt, str, int] | None:
    """``return <creator>(<coroutine call>)`` (``call``, ``expr`` the returned value holding it)
    in a module-level function or a method of a module-level class whose every call in the
    project drops what it returns: the ``return`` statement, the function's name and how many
    calls drop it; else None."""
    stmt = module.parent(expr)
    if not isinstance(stmt, ast.Return) or stmt.value is not expr:
        return None
    function = _factory(module, call)
    if function is None:
        return None
    uses = _call_uses(module, function)
    if not uses or not all(dropped for *_, dropped in uses):
        return None
    return stmt, function.name, len(uses)


def made_by_factory(module: ModuleInfo, call: ast.Call, is_task: Callable[[ast.Call], bool]) -> ast.Return | None:
    """The ``return`` of the factory that ``call`` (``self.make(...)`` or ``make(...)``, of a
    method of the caller's class or a function of its module) runs, when it returns a task it
    makes of a coroutine it picks (its only ``return``) and ``call`` is its only call in the
    project: where the task the caller keeps is made; else None."""
    func = call.func
    function: ast.AST | None = None
    caller = module.enclosing_function(call)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and caller is not None:
        cls = module.parent(caller)
        if isinstance(cls, ast.ClassDef) and func.value.id == self_name(caller):
            function = class_method(cls, func.attr)
    elif isinstance(func, ast.Name):
        function = next(
            (s for s in module.tree.body if isinstance(s, FUNCTION_NODES) and s.name == func.id), None
        )
    if not isinstance(function, FUNCTION_NODES) or isinstance(function, ast.AsyncFunctionDef):
        return None
    returns = own_returns(function)
    if len(returns) != 1 or not isinstance(made := returns[0].value, ast.Call) or not is_task(made):
        return None
    if _factory(module, made) is not function:
        return None
    uses = _call_uses(module, function)
    if uses is None or len(uses) != 1 or uses[0][:3] != (str(module.path), call.lineno, call.col_offset):
        return None
    return returns[0]


def _factory(module: ModuleInfo, call: ast.Call) -> Function | None:
    """The module-level function or method of a module-level class that ``call``, a creator,
    runs directly in, when it makes its task of a coroutine it picks (not one its caller hands
    in: a wrapper's callers are told where they drop the task)."""
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function or function.name.startswith("__"):
        return None
    owner = module.parent(function)
    if isinstance(owner, ast.ClassDef):
        owner = module.parent(owner)
    if not isinstance(owner, ast.Module):
        return None  # a nested helper is handed on (``get_waiter=get_waiter``): its callers are not known
    if not (call.args and isinstance(call.args[0], ast.Call)) or _given(module, function, call.args[0]):
        return None
    return function


def _given(module: ModuleInfo, function: Function, coro: ast.Call) -> bool:
    """Whether the work is one the caller hands in: the coroutine's function is a parameter (or
    an attribute of one other than ``self``/``cls``), or a parameter goes into the coroutine as
    an awaitable (annotated ``Coroutine``/``Awaitable``, or awaited by the module's coroutine
    function that takes it: hummingbot's ``ensure_future(safe_wrapper(coro))``)."""
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a is not None)]
    params = [a.arg for a in every]
    root: ast.expr = coro.func
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Name) and root.id in params:
        return not (root is not coro.func and root.id == params[0] and root.id in ("self", "cls"))
    awaitables = {a.arg for a in every if a.annotation is not None and _AWAITABLE.search(ast.unparse(a.annotation))}
    callee = next(
        (s for s in module.tree.body if isinstance(s, ast.AsyncFunctionDef) and isinstance(coro.func, ast.Name)
         and s.name == coro.func.id), None,
    )
    taken = [a.arg for a in (*callee.args.posonlyargs, *callee.args.args)] if callee is not None else []
    awaited = {n.value.id for n in ast.walk(callee) if isinstance(n, ast.Await) and isinstance(n.value, ast.Name)} if callee else set()
    for index, arg in enumerate(coro.args):
        if isinstance(arg, ast.Name) and arg.id in params and (
            arg.id in awaitables or (index < len(taken) and taken[index] in awaited)
        ):
            return True
    return False


_AWAITABLE = re.compile(r"\b(Coroutine|Awaitable|Future|Task)\b")


Call = tuple[str, int, int, bool]  # a call's file, line and column, and whether it drops the result


def _call_uses(module: ModuleInfo, function: Function) -> list[Call] | None:
    """Every call of ``function``'s name in the project (tests aside), each with whether it drops
    the result (a statement of its own; for an ``async def``, the ``await`` of it); None when
    the name is used in another way (handed on, looked up) or outside a project."""
    root = search_root(module)
    name = function.name
    if root is None or (not name.startswith("_") and project_root(module) is None):
        # Without a project marker the search covers the outermost package only: a public
        # function may be called (and its task kept) by a sibling package.
        return None
    module.project.note_scan(f"mentions {name}", root)  # for the cache, memo or not
    memo = module.project.scan_memo(name)
    key = ("factory-calls", root, name, isinstance(function, ast.AsyncFunctionDef))
    if key not in memo:
        memo[key] = _scan_calls(module, root, name, isinstance(function, ast.AsyncFunctionDef))
    found = memo[key]
    return found if isinstance(found, list) else None


def _scan_calls(module: ModuleInfo, root: Path, name: str, awaited: bool) -> list[Call] | None:
    found: list[Call] = []
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
            found.append((str(path), holder.lineno, holder.col_offset, isinstance(used, ast.Expr)))
    return found
