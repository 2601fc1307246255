"""Tasks ``asyncio.as_completed`` makes of coroutines, left running when the loop over it is left
early. Given coroutines, ``as_completed`` wraps each in a task that only its iterator holds: no
code of the function can cancel them. A loop that ends before every one is done (its own
``break`` or ``return``, or a cancellation the function expects and catches around it) leaves
the rest running, unowned (matrix-nio's ``sync_forever``, which returns on ``CancelledError``
with its sync and key-upload requests still running).

Asked by TRD304; it reads no other layer of the task model."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors
from tradelint.facts.handlers import goes_on
from tradelint.facts.syntax import SCOPE_NODES, walk

# Callees whose call gives a task or a future rather than a coroutine: an element that is one is
# held by its name or by whoever made it, not by the iterator alone.
_NOT_COROUTINES = frozenset({"create_task", "ensure_future", "Task", "Future", "run_coroutine_threadsafe", "shield"})


def _coroutine_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name not in _NOT_COROUTINES


def _only_coroutines(module: ModuleInfo, function: ast.AST, value: ast.expr) -> bool:
    """``value`` holds only coroutines made for it: a display or comprehension of calls, or a
    local the function binds only to such displays and extends only with such calls."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts) and all(_coroutine_call(e) for e in value.elts)
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return _coroutine_call(value.elt)
    if not isinstance(value, ast.Name):
        return False
    name = value.id
    bound = False
    for node in walk(function):
        if isinstance(node, ast.arg) and node.arg == name:
            return False
        if isinstance(node, ast.Name) and node.id == name and node is not value:
            parent = module.parent(node)
            if isinstance(node.ctx, ast.Store):
                if not (isinstance(parent, ast.Assign) and _only_coroutines(module, function, parent.value)):
                    return False
                bound = True
                continue
            holder = module.parent(parent) if isinstance(parent, ast.Attribute) else None
            if (
                isinstance(parent, ast.Attribute)
                and parent.attr == "append"
                and isinstance(holder, ast.Call)
                and len(holder.args) == 1
                and _coroutine_call(holder.args[0])
            ):
                continue
            return False  # read, passed, stored: its elements may be held elsewhere
    return bound


def _leaves_early(loop: ast.For | ast.AsyncFor) -> bool:
    """The loop's own body (not a nested loop's or function's) has a ``break`` or ``return``."""
    stack: list[ast.AST] = list(loop.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Break, ast.Return)):
            return True
        if isinstance(node, (*SCOPE_NODES, ast.For, ast.AsyncFor, ast.While)):
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                stack.extend(n for n in ast.walk(node) if isinstance(n, ast.Return))
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _expects_cancellation(module: ModuleInfo, function: ast.AST, loop: ast.AST) -> bool:
    """A ``try`` around the loop catches ``CancelledError`` and does not raise it again: the
    function expects to be cancelled while it runs the loop, and then goes on."""
    child: ast.AST = loop
    for ancestor in module.ancestors(loop):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.Try) and any(child is s for s in ancestor.body):
            for handler in ancestor.handlers:
                kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
                names = {k.attr if isinstance(k, ast.Attribute) else k.id for k in kinds if isinstance(k, (ast.Name, ast.Attribute))}
                if "CancelledError" in names and not any(isinstance(n, ast.Raise) for s in handler.body for n in ast.walk(s)):
                    return True
        child = ancestor
    return False


def left_behind(module: ModuleInfo, call: ast.Call) -> ast.stmt | None:
    """The loop over ``asyncio.as_completed(<coroutines>)`` (``call``) that can be left before
    every task it made is done; else None."""
    loop = module.parent(call)
    if loop is not None and _enumerated(loop, call):  # ``for i, coro in enumerate(asyncio.as_completed(...), start=1)``
        loop = module.parent(loop)
    if not (isinstance(loop, (ast.For, ast.AsyncFor)) and (loop.iter is call or loop.iter is module.parent(call)) and call.args):
        return None
    function = module.enclosing_function(call)
    if not isinstance(function, ast.AsyncFunctionDef) or module.enclosing_scope(call) is not function:
        return None
    if not (_only_coroutines(module, function, call.args[0]) or _made_inline(call.args[0])):
        return None
    if _leaves_early(loop) or _expects_cancellation(module, function, loop) or _fails_out(module, function, loop):
        return loop
    return None


def _enumerated(node: ast.AST | None, call: ast.Call) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "enumerate" and bool(node.args) and node.args[0] is call


def _made_inline(value: ast.expr) -> bool:
    """A display or comprehension of calls written in the ``as_completed`` call itself: tasks
    made there (``[asyncio.create_task(add(c)) for c in campaigns]``) are held by nothing else."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts) and all(isinstance(e, ast.Call) for e in value.elts)
    return isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and isinstance(value.elt, ast.Call)


def _fails_out(module: ModuleInfo, function: ast.AST, loop: ast.For | ast.AsyncFor) -> bool:
    """An error leaves the loop: its body awaits what it gets (a failed task's error is raised
    there) or raises, outside any ``try`` of the body that goes on after every error, where the
    program goes on after the function fails (not a test nor a script's ``main()``):
    ``as_completed`` cancels none of the others (DevilXD/TwitchDropsMiner ``8ee49beb``)."""
    if not goes_on_after_errors(module, function, lifespans_end=False):
        return False
    for node in (n for stmt in loop.body for n in walk(stmt)):
        if isinstance(node, (ast.Await, ast.Raise)) and module.enclosing_scope(node) is function and not _swallowed(module, node, loop):
            return True
    return False


def _swallowed(module: ModuleInfo, node: ast.AST, loop: ast.AST) -> bool:
    """A ``try`` of the loop's body around ``node`` has a handler of every error that goes on."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is loop:
            return False
        if isinstance(ancestor, ast.Try) and any(child is s for s in ancestor.body) and any(goes_on(h) for h in ancestor.handlers):
            return True
        child = ancestor
    return False
