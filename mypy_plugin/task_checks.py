"""TRD301 by type: a call whose value is an asyncio task, discarded as an expression statement.

mypy has no hook on statements, so the check has two halves that meet at the call:

* ``get_function_hook``/``get_method_hook`` are asked for every call's callee by full name; the
  plugin claims a callee only when its declared return type can be a task (:func:`may_return_task`),
  so every other call costs one cached look-up and the default plugin's hooks stay in charge.
* in the hook, the call's inferred type must be a task, and the call must be an expression that is
  a whole statement of the module being checked (:func:`mypy_plugin.source.discarded_expressions`,
  computed once per module from mypy's tree on first need).

What types cannot tell, the core's source analysis does: a callee defined in Python source (the
project's own wrappers, a library's ``async_create_task``) is reported only when the core finds it
returns a task it does not keep; only stubbed and compiled callees (``asyncio.create_task``,
``loop.create_task``) are judged by their return type alone.
"""

from __future__ import annotations

from mypy.nodes import CallExpr, Decorator, FuncDef, OverloadedFuncDef, SymbolNode, TypeInfo, Var
from mypy.types import CallableType, Instance, Overloaded, Type, UnionType, get_proper_type

from mypy_plugin.source import render
from tradelint.api import Config, DiscardedTask

# typeshed moved Task and Future to ``_asyncio``; older mypy releases know them under ``asyncio``.
TASK_TYPES = frozenset({"_asyncio.Task", "asyncio.tasks.Task"})
FUTURE_TYPES = frozenset({"_asyncio.Future", "asyncio.futures.Future"})
# Owned by the group: awaited when the ``async with`` block ends.
TASK_GROUP_METHODS = frozenset({"asyncio.taskgroups.TaskGroup.create_task"})
# Hands back its argument when that is already a future: a new task only for a coroutine.
ENSURE_FUTURE = frozenset({"asyncio.tasks.ensure_future", "asyncio.ensure_future"})


def is_task(typ: Type) -> bool:
    proper = get_proper_type(typ)
    return isinstance(proper, Instance) and any(base.fullname in TASK_TYPES for base in proper.type.mro)


def is_future(typ: Type) -> bool:
    proper = get_proper_type(typ)
    if isinstance(proper, UnionType):
        return any(is_future(item) for item in proper.items)
    return isinstance(proper, Instance) and any(base.fullname in FUTURE_TYPES for base in proper.type.mro)


def may_return_task(node: SymbolNode | None) -> bool:
    """Whether a callee's declared signature can return a task: decides which hooks to claim."""
    if isinstance(node, TypeInfo):
        return any(base.fullname in TASK_TYPES for base in node.mro)
    if isinstance(node, Decorator):
        node = node.var if node.var.type is not None else node.func
    if isinstance(node, (FuncDef, OverloadedFuncDef, Var)):
        signature = get_proper_type(node.type) if node.type is not None else None
        if isinstance(signature, CallableType):
            return is_task(signature.ret_type)
        if isinstance(signature, Overloaded):
            return any(is_task(item.ret_type) for item in signature.items)
    return False


def exempt(fullname: str, call: CallExpr, arg_types: list[list[Type]], config: Config) -> bool:
    if fullname in TASK_GROUP_METHODS:
        return True
    if fullname in ENSURE_FUTURE and arg_types and arg_types[0] and is_future(arg_types[0][0]):
        return True
    label = render(call.callee)
    return any(
        name == owner or name.endswith("." + owner)
        for owner in config.task_owners
        for name in (label, fullname)
    )


def message(call: CallExpr) -> str:
    return DiscardedTask.message(render(call.callee))
