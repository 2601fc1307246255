"""Race loops left early: ``while pending: done, pending = await asyncio.wait(pending,
return_when=FIRST_COMPLETED)`` waits again on what is left, turn after turn, so the losers of
each turn are held by ``pending`` until the loop has waited them all out. A ``return``, a
``raise`` or a ``break`` of the loop's own body leaves it with ``pending`` still holding tasks,
and ``asyncio.wait`` cancels none of them: they run on, unowned, unless the way out ends them
(a cancel of ``pending``'s tasks before it, a ``finally`` or handler around it that names
``pending``, code after the loop that does, for a ``break``) or hands them on (``return done,
pending``). omnilib/aioitertools ``f6a600ea``: ``as_completed(aws, timeout)`` raised
``TimeoutError`` out of its race loop and left every awaitable still pending running.

Judged only where ``pending`` is the function's own: made of a display, a comprehension or a
call (``set(aws)``), never an alias of a collection something else keeps (``self._tasks``, a
parameter itself), whose holder may end them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import TRY_NODES, classify
from tradelint.models.tasks.races import _loads as name_loads_in

LOOPS = (ast.While, ast.For, ast.AsyncFor)


def race_loop_exit(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, assign: ast.Assign, pending: str
) -> ast.stmt | None:
    """The first way out of the race loop around ``assign`` (``done, pending = await
    asyncio.wait(pending, ...)``, ``call`` the wait) that leaves ``pending``'s tasks running;
    None when the wait is no race loop or every way out ends or hands them on."""
    waited = call.args[0] if call.args else None
    if not (isinstance(waited, ast.Name) and waited.id == pending):
        return None
    loop = next((a for a in module.ancestors(assign) if isinstance(a, LOOPS) or isinstance(a, FUNCTION_NODES)), None)
    if not isinstance(loop, LOOPS) or module.enclosing_function(loop) is not function:
        return None
    if not _own_collection(function, assign, pending):
        return None
    for exit_ in _exits(loop):
        if isinstance(exit_, ast.Return) and exit_.value is not None and _loads(exit_.value, pending):
            continue  # handed back to the caller
        if _ended_before(module, exit_, loop, pending, call) or _ended_around(module, exit_, function, pending):
            continue
        if isinstance(exit_, ast.Break) and _loaded_after(module, function, loop, pending):
            continue
        return exit_
    return None


def _own_collection(function: ast.AST, assign: ast.Assign, pending: str) -> bool:
    """Every other binding of ``pending`` in the function makes a new collection (a display, a
    comprehension, a call such as ``set(aws)``); a parameter or an alias is someone else's."""
    args = function.args if isinstance(function, FUNCTION_NODES) else None
    if args is not None and any(a.arg == pending for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)):
        return False
    found = False
    for node in ast.walk(function):
        if node is assign:
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == pending for t in targets):
                if not isinstance(node.value, (ast.Call, ast.List, ast.Set, ast.Tuple, ast.ListComp, ast.SetComp)):
                    return False
                found = True
            elif any(isinstance(n, ast.Name) and n.id == pending and isinstance(n.ctx, ast.Store) for t in targets for n in ast.walk(t)):
                return False  # unpacked from something else
        elif any(isinstance(n, ast.Name) and n.id == pending for target in _targets(node) for n in ast.walk(target)):
            return False  # rebound some other way: not judged
    return found


def _targets(node: ast.AST) -> list[ast.expr]:
    """What ``node`` binds other than by ``=``: an augmented assignment's, a walrus', a loop's
    target, a ``with``'s names."""
    if isinstance(node, (ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor)):
        return [node.target]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    return []


def _exits(loop: ast.While | ast.For | ast.AsyncFor) -> Iterator[ast.stmt]:
    """The ``return``, ``raise`` and ``break`` statements of the loop's own body, in order (not
    in nested functions; a ``break`` of an inner loop leaves only that one)."""

    def visit(node: ast.AST, inner_loop: bool) -> Iterator[ast.stmt]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(child, (ast.Return, ast.Raise)) or (isinstance(child, ast.Break) and not inner_loop):
                yield child
            yield from visit(child, inner_loop or (isinstance(child, LOOPS) and child is not loop))

    for stmt in loop.body:
        if isinstance(stmt, (ast.Return, ast.Raise, ast.Break)):
            yield stmt
        elif not isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef)):
            yield from visit(stmt, isinstance(stmt, LOOPS))


def _loads(node: ast.AST, name: str) -> bool:
    return next(name_loads_in(node, name), None) is not None


def _ends(module: ModuleInfo, stmt: ast.stmt, name: str, wait: ast.Call | None = None) -> bool:
    """``stmt`` reads ``name`` other than to test it or to wait on it again (``for t in
    pending: t.cancel()``, ``await cancel_all(pending)``): it may end its tasks."""
    skip = {id(n) for n in ast.walk(wait)} if wait is not None else set()
    for n in ast.walk(stmt):
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and id(n) not in skip:
            if classify(module, n).kind != "test":
                return True
    return False


def _ended_before(module: ModuleInfo, exit_: ast.stmt, loop: ast.AST, pending: str, wait: ast.Call) -> bool:
    """A statement before ``exit_`` in one of the blocks that hold it, inside the loop, reads
    ``pending`` to end its tasks."""
    node: ast.AST = exit_
    while node is not loop:
        parent = module.parent(node)
        if parent is None:
            return False
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is node for s in block):
                for stmt in block:
                    if stmt is node:
                        break
                    if isinstance(stmt, ast.stmt) and _ends(module, stmt, pending, wait):
                        return True
        node = parent
    return False


def _ended_around(module: ModuleInfo, exit_: ast.stmt, function: ast.AST, pending: str) -> bool:
    """A ``try`` of the function around ``exit_`` whose ``finally`` (or, for a ``raise``, a
    handler) reads ``pending``."""
    for ancestor in module.ancestors(exit_):
        if ancestor is function:
            return False
        if isinstance(ancestor, TRY_NODES):
            guard = cast("ast.Try", ancestor)  # ``ast.TryStar`` has the same fields
            if any(_ends(module, s, pending) for s in guard.finalbody):
                return True
            if isinstance(exit_, ast.Raise) and any(_ends(module, s, pending) for h in guard.handlers for s in h.body):
                return True
    return False


def _loaded_after(module: ModuleInfo, function: ast.AST, loop: ast.AST, pending: str) -> bool:
    """Code of the function after ``loop`` reads ``pending`` (other than to test it)."""
    end = getattr(loop, "end_lineno", None) or 0
    return any(
        isinstance(n, ast.Name) and n.id == pending and isinstance(n.ctx, ast.Load) and n.lineno > end
        and classify(module, n).kind != "test"
        for n in ast.walk(function)
    )
