"""Reads of a task's outcome that end nothing: ``self.task.exception()`` inside the method given
to ``self.task.add_done_callback(...)``. The callback runs only once the task is done, so its
``result()`` or ``exception()`` says how the task ended and never makes it end: the task is still
owned by whoever can cancel it (wazuh/wazuh ``87d9ae97``: a file-receiving task whose done
callback logged its error, never cancelled when the worker disconnected)."""

from __future__ import annotations

import ast

from tradelint.facts.owned_elements import has_an_end_of_its_own
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import endless_loop, self_name


def in_own_done_callback(owner: ast.ClassDef, method: ast.AST | None, attr: str) -> bool:
    """Whether ``method`` (a method of ``owner``) is the done callback that ``owner`` gives the
    task in ``self.<attr>``: ``self.<attr>.add_done_callback(self.<method>)``."""
    if not isinstance(method, FUNCTION_NODES):
        return False
    for node in walk(owner):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_done_callback"):
            continue
        holder = node.func.value
        callback = node.args[0] if len(node.args) == 1 else None
        if (
            isinstance(holder, ast.Attribute)
            and holder.attr == attr
            and isinstance(holder.value, ast.Name)
            and isinstance(callback, ast.Attribute)
            and callback.attr == method.name
            and isinstance(callback.value, ast.Name)
            and callback.value.id == holder.value.id
        ):
            return True
    return False


def clearing_leaves_running(cls: ast.ClassDef, attr: str) -> bool:
    """A done callback that clears ``self.<attr>`` drops the task once it is done, and ends none
    while it runs: the ``self`` form of the set-plus-``discard`` pattern, judged alike. In a class
    with an end of its own (``close()``, ``stop()``, a cog's unload, an entity's removal) whose
    task runs one of the class's methods that loops until cancelled (``while True``, ``while
    self._running`` with no way out of its own, ``async for``), that end must still end it;
    one-shot work kept so until it is done needs nothing more."""
    methods = {m.name: m for m in cls.body if isinstance(m, FUNCTION_NODES)}
    if not has_an_end_of_its_own(methods):
        return False
    for method in methods.values():
        receiver = self_name(method)
        for node in walk(method):
            if not (
                isinstance(node, ast.Assign)
                and any(
                    isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == receiver
                    for t in node.targets
                )
                and isinstance(node.value, ast.Call)
                and node.value.args
            ):
                continue
            coroutine = node.value.args[0]
            if (
                isinstance(coroutine, ast.Call)
                and isinstance(coroutine.func, ast.Attribute)
                and isinstance(coroutine.func.value, ast.Name)
                and coroutine.func.value.id == receiver
                and (target := methods.get(coroutine.func.attr)) is not None
                and any(endless_loop(n) for n in walk(target))
            ):
                return True
    return False
