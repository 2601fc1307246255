"""Reads of a task's outcome that end nothing: ``self.task.exception()`` inside the method given
to ``self.task.add_done_callback(...)``. The callback runs only once the task is done, so its
``result()`` or ``exception()`` says how the task ended and never makes it end: the task is still
owned by whoever can cancel it (wazuh/wazuh ``87d9ae97``: a file-receiving task whose done
callback logged its error, never cancelled when the worker disconnected)."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import FUNCTION_NODES, walk


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
