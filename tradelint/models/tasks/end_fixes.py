"""Ending a class's tasks at the end of its owner's life (issue 29), for TRD301/302 (a task the
fix keeps on the instance) and TRD303 (a task stored on ``self``):

- only in a method proven to be the end of the object's life (``facts.end_of_life``); elsewhere
  the finding has no fix, and its help says why;
- the helper written into the class drains before it cancels: it lets the tasks finish for
  ``task-drain-seconds``, then cancels and awaits the rest, never the task running it, and hands
  the tasks' errors to the loop's exception handler (logged, not raised);
- a task stored again over a running one (``self._task = create_task(...)`` in a method that
  can run twice) has the old one cancelled first."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tradelint.core.fix_plan import EditSpec
from tradelint.facts.uses import self_name
from tradelint.models.tasks.replaced import cancel_old_code, looks_first, looping_method, made_in_init

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo
    from tradelint.models.tasks.task_model import TaskSite


def ender_code(names: dict[str, str], end: str, tasks: str, drain: float) -> str:
    """The method that ends a class's tasks: those held in ``self.<tasks>`` and those given."""
    aio, future = names["asyncio"], f'{names["asyncio"]}.Future[{names["Any"]}]'
    seconds = f"{drain:g}"
    return (
        f'async def {end}(self, *more: "{future} | None") -> None:\n'
        f'    """Let the tasks finish for {seconds} s, cancel the rest, report errors."""\n'
        f"    current = {aio}.current_task()\n"
        "    tasks = {\n"
        "        task\n"
        f'        for task in (*getattr(self, "{tasks}", ()), *more)\n'
        "        if task is not None and task is not current\n"
        "    }\n"
        "    if not tasks:\n"
        "        return\n"
        f"    _, late = await {aio}.wait(tasks, timeout={seconds})\n"
        "    for task in late:\n"
        "        task.cancel()\n"
        "    if late:\n"
        f"        await {aio}.wait(late)\n"
        f"    loop = {aio}.get_running_loop()\n"
        "    for task in tasks:\n"
        "        if not task.cancelled() and task.exception() is not None:\n"
        "            loop.call_exception_handler(\n"
        '                {"message": "task failed", "exception": task.exception(),\n'
        '                 "future": task}\n'
        "            )\n"
    )


def replaced_task_edit(module: ModuleInfo, cls: ast.ClassDef, site: TaskSite) -> EditSpec | None:
    """``self._task = create_task(...)`` or ``self._tasks[key] = create_task(...)`` in a method
    other than ``__init__`` that does not look at the slot first, for a task that loops until
    cancelled: a second call drops a running task. Cancel the old one before the store."""
    function, name = site.function, site.name
    assert function is not None
    statement = module.parent(site.call)
    receiver = self_name(function)
    if function.name == "__init__" or receiver is None or not isinstance(statement, ast.Assign):
        return None
    if looping_method(cls, site.call, receiver) is None:
        return None  # one piece of work per call (a flush): cancelling the old one would lose it
    target = statement.targets[0] if len(statement.targets) == 1 else None
    key = target.slice if isinstance(target, ast.Subscript) else None
    slot = target.value if isinstance(target, ast.Subscript) else target
    if not (isinstance(slot, ast.Attribute) and slot.attr == name and isinstance(slot.value, ast.Name)
            and slot.value.id == receiver):
        return None
    if looks_first(function, receiver, name, statement):
        return None  # ``if self._task is None:`` or ``if key in self._tasks: return``
    code = cancel_old_code(receiver, name, key, made_in_init(cls, name), (module, function, cls, statement.col_offset))
    return None if code is None else EditSpec("insert_before", statement, (("code", code),))
