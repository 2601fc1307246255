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
from tradelint.facts.class_family import class_and_bases, resolve_class_node, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.file_context import FileContext
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, walk, class_method
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
    # The local handed to a release function (``AsyncBoltSocket.close_socket(s)``); None when
    # the release is a method of the released object itself.
    released: str | None = None


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
        if not isinstance(module.parent(call), ast.Expr):
            continue
        if (given := _given_to_release(module, call)) is not None:
            found.append(given)
            continue
        if not (isinstance(func, ast.Attribute) and RELEASE.match(func.attr)):
            continue
        function = module.enclosing_function(call)
        owners = receiver_classes(module, function, func.value) if function is not None else None
        if not owners or not all(_async_method(home, cls, func.attr) for home, cls in owners):
            continue
        found.append(UnawaitedRelease(call, ast.unparse(func), func.attr, owners[0][1].name, awaitable_here(module, call)))
    found.sort(key=lambda u: (u.call.lineno, u.call.col_offset))
    return found


def _given_to_release(module: ModuleInfo, call: ast.Call) -> UnawaitedRelease | None:
    """``AsyncBoltSocket.close_socket(s)`` (or ``cls.close_socket(s)``, ``close_conn(s)``) as a
    statement, where the callee is a first-party ``async def`` named as a release (a function, or
    a method called on its class) and its first argument a local: the thing handed over is
    released by a coroutine that never runs (neo4j-python-driver ``c4681063``)."""
    func = call.func
    if not call.args or not isinstance(subject := call.args[0], ast.Name):
        return None
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name.startswith("__") or not is_release_name(name):
        return None
    if isinstance(func, ast.Name):
        found = resolve_definition(module, func)
        if found is None or not isinstance(found[1], ast.AsyncFunctionDef) or found[1].decorator_list:
            return None
        if not _releases_parameter(found[1], 0):
            return None
        return UnawaitedRelease(call, name, name, "", awaitable_here(module, call), subject.id)
    if not isinstance(func.value, ast.Name):  # type: ignore[attr-defined]
        return None
    owner = _class_named(module, call, func.value)  # type: ignore[attr-defined]
    method = _async_method_node(*owner, name) if owner is not None else None
    if owner is None or method is None:
        return None
    decorators = {d.id for d in method.decorator_list if isinstance(d, ast.Name)}
    if len(decorators) != len(method.decorator_list) or not decorators <= _ON_CLASS:
        return None
    bound = func.value.id != owner[1].name or "classmethod" in decorators  # type: ignore[attr-defined]
    if not _releases_parameter(method, 0 if "staticmethod" in decorators or not bound else 1):
        return None
    return UnawaitedRelease(call, ast.unparse(func), name, owner[1].name, awaitable_here(module, call), subject.id)


def _releases_parameter(function: ast.AsyncFunctionDef, index: int) -> bool:
    """Whether ``function`` releases the value of its positional parameter ``index``: calls a
    release-named method on it (``await socket_.close()``)."""
    params = [*function.args.posonlyargs, *function.args.args]
    if index >= len(params):
        return False
    param = params[index].arg
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
        and node.func.value.id == param and is_release_name(node.func.attr)
        for node in walk(function)
    )


def _async_method_node(module: ModuleInfo, cls: ast.ClassDef, name: str) -> ast.AsyncFunctionDef | None:
    """The ``async def`` method ``name`` of ``cls`` (its own, or the first first-party base's that
    defines it); None when that is a plain ``def`` or an assignment hides it. The last binding
    of the name in a class body counts, as Python keeps it (a later sync ``def close`` replaces
    an earlier ``async def close``)."""
    for _, node in class_and_bases(module, cls):
        last: ast.stmt | None = None
        for stmt in node.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name == name and class_method(node, name) is stmt:
                last = stmt
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
                isinstance(t, ast.Name) and t.id == name for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            ):
                last = stmt
        if last is not None:
            return last if isinstance(last, ast.AsyncFunctionDef) else None
    return None


# The decorators of a method that runs when called on its class with the released thing.
_ON_CLASS = frozenset({"classmethod", "staticmethod"})


def _class_named(module: ModuleInfo, call: ast.Call, name: ast.Name) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class whose method ``name.<method>`` is: the class ``name`` names, or the
    method's own class when ``name`` is its first parameter (``cls``, ``self``)."""
    function = module.enclosing_function(call)
    if isinstance(function, FUNCTION_NODES) and function.args.args and function.args.args[0].arg == name.id:
        owner = module.parent(function)
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
        return (module, owner) if not static and isinstance(owner, ast.ClassDef) else None
    return resolve_class_node(module, name)


def _async_method(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    """Whether ``name`` on an instance of ``cls`` is an undecorated ``async def`` (its own, or the
    first first-party base's that defines it; an assignment in a class body hides it)."""
    method = _async_method_node(module, cls, name)
    return method is not None and not method.decorator_list


def made_here(module: ModuleInfo, release: UnawaitedRelease) -> ast.Assign | None:
    """The statement of the same function that makes the local whose release is never awaited
    (``playground = NodeJSPlayground(...)``, then ``playground.close()`` in the ``finally``): the
    object it made is never released, and TRD201 says so where it is made."""
    function = module.enclosing_function(release.call)
    if function is None:
        return None
    if release.released is not None:
        return _bound_by_a_call(module, function, release.released)
    receiver = release.call.func.value if isinstance(release.call.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return None
    made = local_binding(function, receiver.id)
    value = made.value.value if made is not None and isinstance(made.value, ast.Await) else made.value if made is not None else None
    if made is None or not isinstance(value, ast.Call) or module.enclosing_function(made) is not function:
        return None
    return made


def _bound_by_a_call(module: ModuleInfo, function: ast.AST, name: str) -> ast.Assign | None:
    """The one binding of the local ``name`` in ``function`` (itself, not a nested function), when
    it is an assignment of what a call returns (``s, version = await Socket.connect(...)``,
    unpacked alike): what the function made, or was handed, and set out to release."""
    stores = [n for n in walk(function) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or module.enclosing_function(stores[0]) is not function:
        return None
    assign = module.parent(stores[0])
    while isinstance(assign, (ast.Tuple, ast.List)):
        assign = module.parent(assign)
    if not isinstance(assign, ast.Assign) or len(assign.targets) != 1:
        return None
    value = assign.value.value if isinstance(assign.value, ast.Await) else assign.value
    return assign if isinstance(value, ast.Call) else None


def awaited_elsewhere(module: ModuleInfo) -> list[UnawaitedRelease]:
    """Bare release calls (``self._client.disconnect()``) whose very receiver's same method the
    code awaits elsewhere (``await self._client.disconnect()`` in the same class; a local's in the
    same function; a module global's in the module): the awaited call shows the method returns
    an awaitable, so the bare one runs nothing, whatever the receiver's type (DeebotUniverse
    client.py ``9118d7b7``, round 9's development half)."""
    awaited: dict[tuple[ast.AST | None, str, str], list[ast.Call]] = {}
    bare: list[tuple[ast.Call, ast.AST | None, str, str]] = []
    for call in module.index.calls:
        func = call.func
        if not (isinstance(func, ast.Attribute) and RELEASE.match(func.attr)):
            continue
        root = func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            continue
        scope = _receiver_scope(module, call, root.id)
        parent = module.parent(call)
        key = (scope, ast.unparse(func.value), func.attr)
        if isinstance(parent, ast.Await):
            awaited.setdefault(key, []).append(call)
        elif isinstance(parent, ast.Expr):
            bare.append((call, *key))
    return [
        UnawaitedRelease(call, ast.unparse(call.func), method, spelled.split(".", 1)[0], awaitable_here(module, call))
        for call, scope, spelled, method in bare
        if (scope, spelled, method) in awaited and not _plain_method(module, call)
        and not any(_branches_apart(module, call, other) or _protocol_twins(module, call, other) for other in awaited[(scope, spelled, method)])
    ]


def _protocol_twins(module: ModuleInfo, bare: ast.Call, awaited: ast.Call) -> bool:
    """The bare call is in a plain method whose async twin of the same class holds the awaited
    one (``def __exit__`` and ``async def __aexit__``, ``close`` and ``aclose``): a class that
    serves both protocols ends a sync part in the one and an async part in the other, as the
    two branches of an ``if`` tell its receivers apart."""
    plain, coroutine = module.enclosing_function(bare), module.enclosing_function(awaited)
    if not isinstance(plain, ast.FunctionDef) or not isinstance(coroutine, ast.AsyncFunctionDef):
        return False
    if module.parent(plain) is not module.parent(coroutine) or not isinstance(module.parent(plain), ast.ClassDef):
        return False
    name = plain.name
    twins = {f"a{name}", f"async_{name}"} | ({f"__a{name[2:]}"} if name.startswith("__") else set())
    return coroutine.name in twins


def _branches_apart(module: ModuleInfo, bare: ast.Call, awaited: ast.Call) -> bool:
    """The two calls sit in the two branches of one ``if`` (``if isinstance(tool, AsyncTool):
    await tool.close() else: tool.close()``): the code tells the receivers apart."""
    lines = {id(a) for a in module.ancestors(awaited)}
    child: ast.AST = bare
    for ancestor in module.ancestors(bare):
        if id(ancestor) in lines:
            if isinstance(ancestor, ast.If):
                in_body = any(s is child for s in ancestor.body)
                other = ancestor.orelse if in_body else ancestor.body
                return any(n is awaited for s in other for n in ast.walk(s))
            return False
        child = ancestor
    return False


def _plain_method(module: ModuleInfo, call: ast.Call) -> bool:
    """The receiver's class is known and its method is a plain ``def``: one that returns an
    awaitable to wait on (``def stop(self) -> Awaitable[None]``) has done its work already."""
    function = module.enclosing_function(call)
    owners = receiver_classes(module, function, call.func.value) if function is not None and isinstance(call.func, ast.Attribute) else None
    if not owners:
        return False
    name = call.func.attr  # type: ignore[attr-defined]
    for home, cls in owners:
        for _, node in class_and_bases(home, cls):
            method = class_method(node, name)
            if method is not None:
                if not isinstance(method, ast.AsyncFunctionDef):
                    return True
                break
    return False


def _receiver_scope(module: ModuleInfo, call: ast.Call, root: str) -> ast.AST | None:
    """Where the receiver's name means one thing: the class for ``self`` (a method's first
    parameter), the function for another local, the module (None) for a global."""
    function = module.enclosing_function(call)
    if function is None:
        return None
    params = [*function.args.posonlyargs, *function.args.args]
    if params and params[0].arg == root and isinstance(module.parent(function), ast.ClassDef):
        return module.parent(function)
    if any(isinstance(n, ast.Name) and n.id == root and not isinstance(n.ctx, ast.Load) for n in ast.walk(function)) or any(
            p.arg == root for p in (*params, *function.args.kwonlyargs)):
        return function
    return None
