"""Race loops left early: ``while pending: done, pending = await asyncio.wait(pending,
return_when=FIRST_COMPLETED)`` waits again on what is left, turn after turn, so the losers of
each turn are held by ``pending`` until the loop has waited them all out. A ``return``, a
``raise`` or a ``break`` of the loop's own body leaves it with ``pending`` still holding tasks,
and ``asyncio.wait`` cancels none of them: they run on, unowned, unless the way out ends them
(a cancel of ``pending``'s tasks before it, a ``finally`` or handler around it that names
``pending``, code after the loop that does, for a ``break``) or hands them on (``return done,
pending``). A ``break`` may also leave them to code after the loop that cancels each task
``pending`` can hold by the name the function keeps it under (``pending.add(reader)``, then
``reader.cancel()``, also in a nested function called there that reads the name:
rhasspy/wyoming-satellite's ``await _disconnect()``), when a name is given a new task only while
it holds none (``if reader is None: reader = create_task(...)``), so no task in ``pending`` is
left nameless. omnilib/aioitertools ``f6a600ea``: ``as_completed(aws, timeout)`` raised
``TimeoutError`` out of its race loop and left every awaitable still pending running.

Judged only where ``pending`` is the function's own: made of a display, a comprehension or a
call (``set(aws)``), never an alias of a collection something else keeps (``self._tasks``, a
parameter itself), whose holder may end them."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, LOOP_NODES
from tradelint.facts.uses import TRY_NODES, classify
from tradelint.models.tasks.races import _loads as name_loads_in



def race_loop_exit(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, assign: ast.Assign, pending: str
) -> ast.stmt | None:
    """The first way out of the race loop around ``assign`` (``done, pending = await
    asyncio.wait(pending, ...)``, ``call`` the wait) that leaves ``pending``'s tasks running;
    None when the wait is no race loop or every way out ends or hands them on."""
    waited = call.args[0] if call.args else None
    if not (isinstance(waited, ast.Name) and waited.id == pending):
        return None
    loop = next((a for a in module.ancestors(assign) if isinstance(a, LOOP_NODES) or isinstance(a, FUNCTION_NODES)), None)
    if not isinstance(loop, LOOP_NODES) or module.enclosing_function(loop) is not function:
        return None
    if not _own_collection(function, assign, pending):
        return None
    for exit_ in _exits(loop):
        if isinstance(exit_, ast.Return) and exit_.value is not None and _loads(exit_.value, pending):
            continue  # handed back to the caller
        if _ended_before(module, exit_, loop, pending, call) or _ended_around(module, exit_, function, pending):
            continue
        if isinstance(exit_, ast.Break) and (
            _loaded_after(module, function, loop, pending) or _members_ended_after(module, function, loop, pending, call)
        ):
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
            yield from visit(child, inner_loop or (isinstance(child, LOOP_NODES) and child is not loop))

    for stmt in loop.body:
        if isinstance(stmt, (ast.Return, ast.Raise, ast.Break)):
            yield stmt
        elif not isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef)):
            yield from visit(stmt, isinstance(stmt, LOOP_NODES))


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


def _members_ended_after(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, loop: ast.AST, pending: str, wait: ast.Call
) -> bool:
    """Every task ``pending`` can hold is added by a name of the function (``pending.add(task)``,
    ``pending = {reader, writer}``) that is cancelled after ``loop`` (``task.cancel()`` there, or
    in a nested function of ``function`` called there), and each store of a task into such a name
    inside the loop is made only while it holds none (``if task is None:``), so ``pending`` never
    holds a task its name has let go."""
    members: set[str] = set()
    waited = {id(n) for n in ast.walk(wait)}
    for load in name_loads_in(function, pending):
        if id(load) in waited:
            continue
        parent = module.parent(load)
        use = classify(module, load)
        if use.kind == "test":
            continue
        if isinstance(parent, ast.Attribute) and parent.attr in ("discard", "remove"):
            continue
        if isinstance(parent, ast.Attribute) and parent.attr == "add":
            call = module.parent(parent)
            if isinstance(call, ast.Call) and len(call.args) == 1 and isinstance(call.args[0], ast.Name):
                members.add(call.args[0].id)
                continue
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == pending for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and not value.args and isinstance(value.func, ast.Name) and value.func.id == "set":
                continue
            if isinstance(value, (ast.Set, ast.List, ast.Tuple)) and all(isinstance(e, ast.Name) for e in value.elts):
                members.update(cast("ast.Name", e).id for e in value.elts)
                continue
            return False
    if not members:
        return False
    after = _after(module, function, loop)
    closures = {d.name: d for d in ast.walk(function) if isinstance(d, FUNCTION_NODES) and d is not function}
    called = {
        n.func.id for stmt in after for n in ast.walk(stmt)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in closures
    }
    ending: list[ast.AST] = [*after, *(closures[name] for name in called)]
    return all(_cancelled_in(ending, name) and _renamed_only_when_free(module, loop, name) for name in members)


def _after(module: ModuleInfo, function: ast.AST, loop: ast.AST) -> list[ast.stmt]:
    """The statements that run after ``loop`` when it is left: its later siblings, and those of
    each block around it up to the function."""
    out: list[ast.stmt] = []
    node: ast.AST = loop
    while node is not function:
        parent = module.parent(node)
        if parent is None or (isinstance(parent, (*LOOP_NODES, *FUNCTION_NODES)) and parent is not function):
            return []  # inside another loop, the loop runs again: no code after it is sure to end it
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is node for s in block):
                out.extend(block[[id(s) for s in block].index(id(node)) + 1:])
        node = parent
    return out


def _cancelled_in(statements: Sequence[ast.AST], name: str) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
        and isinstance(n.func.value, ast.Name) and n.func.value.id == name
        for stmt in statements for n in ast.walk(stmt)
    )


def _renamed_only_when_free(module: ModuleInfo, loop: ast.AST, name: str) -> bool:
    """Each store of a call into ``name`` inside ``loop`` is made under ``if name is None``."""
    for node in ast.walk(loop):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, (ast.Call, ast.Await))):
            continue
        if not any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            continue
        guard = next((a for a in module.ancestors(node) if isinstance(a, ast.If)), None)
        if guard is None:
            return False
        test = guard.test
        if not (
            isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == name
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
            and any(s is node for s in guard.body)
        ):
            return False
    return True
