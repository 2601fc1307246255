"""Task makers that store their task on an object they are given, under a name they are given:
``setattr(owner, task_attribute, task)`` of a task the function made (reflex's
``ensure_task(owner=self, task_attribute="_socket_record_task", coro_function=...)``, which keeps
one task per owner and attribute, made again once the last is done). A call that gives the
method's own ``self`` and a literal name stores the task on ``self`` as ``self._socket_record_task
= create_task(...)`` would, and is judged as that store (TRD303): the attribute is the object's,
and only the object can end the task (reflex-dev/reflex ``c03ab4be``: the token manager's Redis
subscriber tasks ran on after the app's lifespan ended). Judged from the callee's body, never its
name: a function that hands the task to ``setattr`` of two of its parameters, the task made
there (``asyncio.create_task``, ``asyncio.ensure_future`` of a call, a loop's ``create_task``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.syntax import own_nodes
from tradelint.facts.uses import self_name

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

_MAKERS = frozenset({"create_task", "ensure_future"})
_ASYNCIO = frozenset({
    "asyncio.create_task", "asyncio.tasks.create_task", "asyncio.ensure_future", "asyncio.tasks.ensure_future",
})
_MEMO = "_tradelint_named_store"


def named_store(
    module: ModuleInfo, call: ast.Call
) -> tuple[str, ast.stmt, str, ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef] | None:
    """For a call, as a statement of a method, of a first-party function that stores the task it
    makes with ``setattr(<owner>, <name>, task)`` given ``self`` and a literal name: the callee's
    spelling, the statement, the attribute, the method and its class."""
    statement = module.parent(call)
    if not isinstance(statement, ast.Expr) or not isinstance(call.func, (ast.Name, ast.Attribute)):
        return None
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function:
        return None
    cls = module.parent(function)
    receiver = self_name(function)
    if not isinstance(cls, ast.ClassDef) or receiver is None:
        return None
    found = resolve_definition(module, call.func)
    if found is None or not isinstance(found[1], ast.FunctionDef):
        return None
    parameters = _stored_through(found[0], found[1])
    if parameters is None:
        return None
    owner = _argument(found[1], call, parameters[0])
    name = _argument(found[1], call, parameters[1])
    if not (isinstance(owner, ast.Name) and owner.id == receiver):
        return None
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isidentifier()):
        return None
    return ast.unparse(call.func), statement, name.value, function, cls


def _stored_through(module: ModuleInfo, func: ast.FunctionDef) -> tuple[str, str] | None:
    """The two parameters (owner, name) that ``func`` gives ``setattr`` with a task it made."""
    memo = func.__dict__
    if _MEMO not in memo:
        memo[_MEMO] = _judge(module, func)
    found: tuple[str, str] | None = memo[_MEMO]
    return found


def _judge(module: ModuleInfo, func: ast.FunctionDef) -> tuple[str, str] | None:
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    nodes = list(own_nodes(func))
    made = {
        target.id
        for node in nodes
        if isinstance(node, ast.Assign) and _makes_task(module, node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) == 3
            and all(isinstance(a, ast.Name) for a in node.args)
        ):
            owner, name, value = (a.id for a in node.args if isinstance(a, ast.Name))
            if owner in params and name in params and owner != name and value in made:
                return owner, name
    return None


def _makes_task(module: ModuleInfo, value: ast.expr) -> bool:
    """``asyncio.create_task(...)``, ``asyncio.ensure_future(<call>)``, ``loop.create_task(...)``,
    or ``context.run(asyncio.create_task, ...)`` (a task made in a given context)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr == "run" and value.args:
        return module.imports.qualify(value.args[0]) in _ASYNCIO
    qualified = module.imports.qualify(func)
    if qualified in _ASYNCIO:
        return not qualified.endswith("ensure_future") or (bool(value.args) and isinstance(value.args[0], ast.Call))
    return isinstance(func, ast.Attribute) and func.attr in _MAKERS and "loop" in ast.unparse(func.value).lower()


def _argument(func: ast.FunctionDef, call: ast.Call, parameter: str) -> ast.expr | None:
    """What ``call`` gives ``func``'s ``parameter``, by keyword or position."""
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    positional = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    if parameter in positional and not any(isinstance(a, ast.Starred) for a in call.args):
        index = positional.index(parameter)
        if index < len(call.args):
            return call.args[index]
    return None
