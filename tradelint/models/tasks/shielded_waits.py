"""A shielded wait that each timeout leaves running (TRD304).

``asyncio.shield(aw)`` given a coroutine (or any awaitable that is not yet a future) wraps it in a
new task and returns an outer future; ``asyncio.wait_for`` cancels only that outer future when its
timeout fires. The inner task goes on, and nothing holds it but the event loop's weak set: no
name, no attribute, no collection can reach it to cancel or await it (the documented purpose of
``shield``, which is right for a save that must finish, and wrong for a wait). Where the timeout
is the normal way on (a handler of ``TimeoutError`` around the wait goes on, inside a loop that
waits again), every turn of the loop adds one more task that nobody ends: a poll loop written
``await asyncio.wait_for(asyncio.shield(self._stop.wait()), timeout=interval)`` leaks one
``Event.wait`` task per interval for the life of the process (headroomlabs-ai/headroom
``548c69a1``).

Not when the shielded awaitable is held (a name or an attribute: its holder can end it), nor
when the handler leaves the loop (``break``, ``return``, ``raise``: one wait, one task, which
finishes by itself), nor when the wait is not in a loop of its function.
"""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, LOOP_NODES, walk

SHIELD = frozenset({"asyncio.shield", "asyncio.tasks.shield"})
WAIT_FOR = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})

# Handlers through which a timeout of ``wait_for`` goes on: ``asyncio.TimeoutError`` is the
# builtin ``TimeoutError`` from Python 3.11, and a handler of every error catches it too.
_TIMEOUTS = frozenset({"TimeoutError", "Exception", "BaseException"})

# Calls that give a future already (not a coroutine): ``shield`` wraps no new task around it, and
# the future's work (a thread's) goes on whatever is cancelled.
_FUTURE_MAKERS = frozenset({"run_in_executor", "wrap_future", "create_future"})



def shielded_timeout_leak(module: ModuleInfo, call: ast.Call) -> ast.stmt | None:
    """The statement to report when ``call`` is ``asyncio.wait_for(asyncio.shield(<a call>),
    timeout)`` awaited in a ``try`` whose handler of the timeout goes on in a loop of the
    function: each timeout leaves the shielded task running, held by nothing; else None."""
    if module.imports.qualify(call.func) not in WAIT_FOR:
        return None
    inner = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "fut"), None)
    if not (isinstance(inner, ast.Call) and module.imports.qualify(inner.func) in SHIELD and inner.args):
        return None
    shielded = inner.args[0]
    if not isinstance(shielded, ast.Call) or _last_name(shielded.func) in _FUTURE_MAKERS:
        return None
    awaited = module.parent(call)
    if not isinstance(awaited, ast.Await):
        return None
    statement = module.parent(awaited)
    if not isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)):
        return None
    guard, loop = _guard_and_loop(module, statement)
    if guard is None or loop is None:
        return None
    handler = next((h for h in guard.handlers if _catches_timeout(h)), None)
    if handler is None or _leaves(handler.body):
        return None
    return statement


def _guard_and_loop(module: ModuleInfo, statement: ast.stmt) -> tuple[ast.Try | None, ast.AST | None]:
    """The innermost ``try`` whose body holds ``statement``, and a loop of the same function
    around that ``try``."""
    guard: ast.Try | None = None
    child: ast.AST = statement
    node = module.parent(statement)
    while node is not None and not isinstance(node, FUNCTION_NODES):
        if guard is None and isinstance(node, ast.Try) and any(child is s for s in node.body):
            guard = node
        elif guard is not None and isinstance(node, LOOP_NODES) and any(child is s for s in node.body):
            return guard, node
        child = node
        node = module.parent(node)
    return guard, None


def _catches_timeout(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_last_name(kind) in _TIMEOUTS for kind in kinds)


def _leaves(body: list[ast.stmt]) -> bool:
    """A ``break``, ``return`` or ``raise`` in the handler's body (not in a nested function or
    a nested loop's own ``break``): the loop does not wait again after a timeout."""
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, (ast.Return, ast.Raise, ast.Break)):
                return True
    return False


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
