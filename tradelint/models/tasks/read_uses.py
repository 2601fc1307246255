"""Uses that look at a task without ending it, and looks that make sure it has ended.

A call that keeps none of its arguments (``print``, ``logging`` or the module's own
``logging.getLogger(...)``: ``facts.uses.only_reads_arguments``) neither ends a task nor hands it
on, wherever the task is kept: a local, ``self.<attr>``, a module's name. A loop over a collection
of tasks reaches its elements, but ends none when all it does with each is look at it (``for t in
self._tasks: logger.info("%s done: %s", t.get_name(), t.done())``, a status map ``{n: t.done()
for n, t in self._jobs.items()}``): the tasks stay in the collection, running. A look that makes
sure the task has finished does end its life as a join does: ``assert t.done()``, or a loop that
polls ``done()`` and awaits between the polls.

Read by ``TaskUses``; it reads only facts and ``creators``' table of the methods that look."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.owned_elements import ends_elements
from tradelint.facts.syntax import walk
from tradelint.facts.uses import Use, classify, only_reads_arguments
from tradelint.facts.walks import walked_names
from tradelint.models.tasks.creators import WEAK_TASK_METHODS


def reader_argument(module: ModuleInfo, use: Use) -> bool:
    """The task is given to a call that keeps none of its arguments (``logger.info("%s", t)``)."""
    return use.kind == "argument" and use.call is not None and only_reads_arguments(module, use.call)


def ends_task_elements(module: ModuleInfo, load: ast.expr) -> bool:
    """Whether this load of a collection of tasks can end (or hand on) its elements: as
    ``facts.owned_elements.ends_elements`` judges it, but not a load given to a call that keeps
    nothing, nor a loop over the elements that only looks at each."""
    if not ends_elements(module, load):
        return False
    use = classify(module, load)
    return not (reader_argument(module, use) or elements_only_read(module, load))


def elements_only_read(module: ModuleInfo, load: ast.expr) -> bool:
    """``for t in self._tasks:`` (or ``.values()``, ``.items()``, ``.copy()``, or a
    comprehension over them) whose every use of the element is a look: a test, a method that
    looks (``done()``, ``get_name()``), a call that keeps nothing, an f-string. A dict's keys,
    iterated directly, are followed as its elements are (``self._jobs[k]`` is no look, and that
    load is judged itself)."""
    loads = walked_names(module, load)
    if loads is None:
        return False
    return all(isinstance(n.ctx, ast.Load) and _looks(module, n) for n in loads)


def _looks(module: ModuleInfo, node: ast.Name) -> bool:
    use = classify(module, node)
    if use.kind == "test" or reader_argument(module, use):
        return True
    if use.kind in ("method", "attribute"):
        return use.name in WEAK_TASK_METHODS and use.name not in ("add_done_callback", "remove_done_callback")
    return isinstance(module.parent(node), ast.FormattedValue)


def asserted(module: ModuleInfo, call: ast.Call | None) -> bool:
    """``assert t.done()`` or ``self.assertTrue(t.done())``: the function fails unless the task has
    finished, so the local held it for its whole run (hummingbot's and OctoBot's tests)."""
    if call is None:
        return False
    parent = module.parent(call)
    if isinstance(parent, ast.Assert):
        return parent.test is call
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr == "assertTrue"
        and bool(parent.args)
        and parent.args[0] is call
    )


def polled_until_done(module: ModuleInfo, node: ast.expr) -> bool:
    """``while not self._t.done(): await asyncio.sleep(...)``: a join by polling, as faust's
    ``ThreadedProducer.on_thread_stop`` does after telling the task to stop."""
    loop = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    return (
        isinstance(loop, ast.While)
        and any(inner is node for inner in walk(loop.test))
        and any(isinstance(inner, ast.Await) for stmt in loop.body for inner in walk(stmt))
    )
