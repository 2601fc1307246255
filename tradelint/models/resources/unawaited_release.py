"""A first-party object's release called without ``await`` (TRD205): ``self.conn.disconnect()``
as a statement, where ``disconnect`` is an ``async def`` of the first-party class ``self.conn``
holds. The call only creates a coroutine: nothing is released, whatever the class holds (issue 28
point 2). Known resources' closes are found with their creations (``unawaited.py``); this is the
rest: a class of the project whose release is a coroutine function, known or not to hold a
library resource.

Proven, not guessed: the receiver's class is read from the code (``self`` itself; an attribute of
``self`` every store of which names one class, ``attribute_types``; a local bound once to that
class's constructor; a parameter annotated with it), and its method, the class's own or a
first-party base's, is an undecorated ``async def`` (``facts/attribute_types.receiver_class``:
also a parameter's default, a factory's return annotation, and a base's attribute that only its
subclasses store). Only a bare statement: a call whose
coroutine is returned, stored, passed or handed to a scheduler is not this rule's."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tradelint.facts.attribute_types import local_binding, receiver_classes
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.file_context import FileContext
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.resources.proofs import awaitable_here

# The methods that end a whole object, as ``project_evidence`` reads a release.
RELEASE = re.compile(r"^(async_)?(a?close|stop|shutdown|disconnect|cleanup|tear_?down|terminate)$")


@dataclass(frozen=True)
class UnawaitedRelease:
    call: ast.Call
    spelled: str
    method: str
    owner: str
    fixable: bool


def unawaited_releases_of(ctx: FileContext) -> list[UnawaitedRelease]:
    """``unawaited_releases`` of the checked file, found once per file: TRD201 and TRD205 both
    read them (each finding its receiver's class again cost 1.8 % of a check of the corpus)."""
    found: list[UnawaitedRelease] | None = ctx.memo.get("unawaited-releases")
    if found is None:
        found = ctx.memo["unawaited-releases"] = unawaited_releases(ctx.module)
    return found


def unawaited_releases(module: ModuleInfo) -> list[UnawaitedRelease]:
    """Every bare call of a first-party async release in ``module``, in source order."""
    found: list[UnawaitedRelease] = []
    for call in module.index.calls:  # one pass over the module's calls
        func = call.func
        if not (isinstance(func, ast.Attribute) and RELEASE.match(func.attr) and isinstance(module.parent(call), ast.Expr)):
            continue
        function = module.enclosing_function(call)
        owners = receiver_classes(module, function, func.value) if function is not None else None
        if not owners or not all(_async_method(home, cls, func.attr) for home, cls in owners):
            continue
        found.append(UnawaitedRelease(call, ast.unparse(func), func.attr, owners[0][1].name, awaitable_here(module, call)))
    found.sort(key=lambda u: (u.call.lineno, u.call.col_offset))
    return found


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


def made_here(module: ModuleInfo, release: UnawaitedRelease) -> ast.Assign | None:
    """The statement of the same function that makes the local whose release is never awaited
    (``playground = NodeJSPlayground(...)``, then ``playground.close()`` in the ``finally``): the
    object it made is never released, and TRD201 says so where it is made."""
    receiver = release.call.func.value if isinstance(release.call.func, ast.Attribute) else None
    function = module.enclosing_function(release.call)
    if not isinstance(receiver, ast.Name) or function is None:
        return None
    made = local_binding(function, receiver.id)
    if made is None or not isinstance(made.value, ast.Call) or module.enclosing_function(made) is not function:
        return None
    return made
