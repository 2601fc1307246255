"""A first-party object's release called without ``await`` (TRD205): ``self.conn.disconnect()``
as a statement, where ``disconnect`` is an ``async def`` of the first-party class ``self.conn``
holds. The call only creates a coroutine: nothing is released, whatever the class holds (issue 28
point 2). Known resources' closes are found with their creations (``unawaited.py``); this is the
rest: a class of the project whose release is a coroutine function, known or not to hold a
library resource.

Proven, not guessed: the receiver's class is read from the code (``self`` itself; an attribute of
``self`` every store of which names one class, ``attribute_types``; a local bound once to that
class's constructor; a parameter annotated with it), and its method, the class's own or a
first-party base's, is an undecorated ``async def``. Only a bare statement: a call whose
coroutine is returned, stored, passed or handed to a scheduler is not this rule's."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tradelint.facts.attribute_types import attribute_class
from tradelint.facts.class_family import class_and_bases, resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import bound_once
from tradelint.models.resources.proofs import awaitable_here

# The methods that end a whole object, as ``project_evidence`` reads a release.
RELEASE = re.compile(r"^(async_)?(a?close|stop|shutdown|disconnect|cleanup|teardown|terminate)$")


@dataclass(frozen=True)
class UnawaitedRelease:
    call: ast.Call
    spelled: str
    method: str
    owner: str
    fixable: bool


def unawaited_releases(module: ModuleInfo) -> list[UnawaitedRelease]:
    """Every bare call of a first-party async release in ``module``, in source order."""
    found: list[UnawaitedRelease] = []
    for function in module.index.functions:
        for stmt in walk(function):
            if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
                continue
            call = stmt.value
            func = call.func
            if not (isinstance(func, ast.Attribute) and RELEASE.match(func.attr)):
                continue
            if module.enclosing_function(call) is not function:
                continue
            owner = _receiver_class(module, function, func.value)
            if owner is None or not _async_method(owner[0], owner[1], func.attr):
                continue
            found.append(UnawaitedRelease(call, ast.unparse(func), func.attr, owner[1].name, awaitable_here(module, call)))
    found.sort(key=lambda u: (u.call.lineno, u.call.col_offset))
    return found


def _receiver_class(module: ModuleInfo, function: ast.AST, receiver: ast.expr) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class of ``receiver`` in ``function``, when the code proves it."""
    me = _self_name(function)
    parent = module.parent(function) if me is not None else None
    cls = parent if isinstance(parent, ast.ClassDef) else None
    if isinstance(receiver, ast.Name) and me is not None and receiver.id == me and cls is not None:
        return module, cls
    if (
        isinstance(receiver, ast.Attribute)
        and isinstance(receiver.value, ast.Name)
        and me is not None
        and receiver.value.id == me
        and cls is not None
    ):
        return attribute_class(module, cls, receiver.attr)
    if isinstance(receiver, ast.Name) and isinstance(function, FUNCTION_NODES):
        for arg in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs):
            if arg.arg == receiver.id:
                return resolve_class_node(module, arg.annotation) if arg.annotation is not None else None
        value = bound_once(function, receiver.id)
        if isinstance(value, ast.Call):
            return resolve_class_node(module, value.func)
    return None


def _self_name(function: ast.AST) -> str | None:
    if not isinstance(function, FUNCTION_NODES) or not function.args.args:
        return None
    if any(_decorator_name(d) in ("staticmethod", "classmethod") for d in function.decorator_list):
        return None
    return function.args.args[0].arg


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _async_method(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    """Whether ``name`` on an instance of ``cls`` is an undecorated ``async def`` (its own, or the
    first first-party base's that defines it; an assignment in a class body hides it)."""
    for _, node in class_and_bases(module, cls):
        for stmt in node.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name == name:
                return isinstance(stmt, ast.AsyncFunctionDef) and not stmt.decorator_list
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
                isinstance(t, ast.Name) and t.id == name for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            ):
                return False
    return False
