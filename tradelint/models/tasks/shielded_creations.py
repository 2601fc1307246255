"""A task made inside ``asyncio.shield(...)`` and held by nothing else (TRD301).

``asyncio.shield(aw)`` returns an outer future and lets the task inside run on when that outer
future is cancelled; that is its purpose. The outer future holds the task only through its own
done callback, dropped once it is done: cancelled, the case ``shield`` exists for, the task
inside is held only by the event loop's weak set. Written ``asyncio.shield(asyncio.create_task(coro))``,
the task is made for the shield alone, and no name, attribute or collection keeps it: a garbage
collection pass can destroy it mid-run, and nobody can cancel or await it at shutdown. Python's
documentation of ``shield`` says to save a reference to the task given to it
(dbos-inc/dbos-transact-py ``3850b943``: a workflow task wrapped so, whose outer handle a dequeue
path dropped).

Not when the task is named first (``task = create_task(...)``, ``shield(task)``; or a walrus):
its holder decides, as for any task; nor ``shield(coro)`` of a coroutine, whose task ``shield``
makes itself (the common ``await asyncio.shield(self.close())``, a save that must finish), nor a
shield awaited on the spot (``await asyncio.shield(asyncio.create_task(save()))``: the same idiom,
the task held through the outer future for as long as anyone waits for it), nor a
``gather`` inside the shield (a different shape, judged by ``gather``'s own rules), nor a task of
``asyncio.sleep(0)``, which never waits on a future: the loop's ready queue holds it until it ends.
"""

from __future__ import annotations

import ast
from typing import Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.models.tasks.shielded_waits import SHIELD


def shielded_creations(module: ModuleInfo) -> Iterator[tuple[ast.Call, ast.Call]]:
    """Each ``asyncio.shield(<call>)`` whose shielded awaitable is a call (a candidate creation),
    with that call: the caller decides whether the call makes a task."""
    for call in module.index.calls:
        func = call.func
        if isinstance(func, ast.Attribute):
            name = func.attr
        elif isinstance(func, ast.Name):
            name = func.id
        else:
            continue
        if name != "shield" or module.imports.qualify(func) not in SHIELD:
            continue
        if isinstance(module.parent(call), ast.Await):
            continue  # awaited on the spot: the outer future holds the task until its awaiter is cancelled
        inner = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "arg"), None)
        if isinstance(inner, ast.Call) and not _yields_once(inner):
            yield call, inner


def _yields_once(creation: ast.Call) -> bool:
    """``create_task(asyncio.sleep(0))``: a task that only yields to the loop, held by its ready queue."""
    coro = creation.args[0] if creation.args else None
    if not (isinstance(coro, ast.Call) and coro.args and isinstance(coro.args[0], ast.Constant)):
        return False
    func = coro.func
    named = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return named == "sleep" and coro.args[0].value == 0
