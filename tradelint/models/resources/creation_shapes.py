"""Creations of two kinds whose binding is read apart from the common case: what an instance of
a class that never closes what it opens is bound to, and the element of an unpacked tuple that
is the resource (``reader, writer = await asyncio.open_connection(...)``)."""

from __future__ import annotations

import ast
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.pass_through import passed_argument
from tradelint.facts.runners import ran_sync_call
from tradelint.facts.summaries import definition_of
from tradelint.facts.uses import Binding, assigned_part, assigned_to, awaited_result, declares_outer, entered_call, name_loads, name_stores
from tradelint.facts.uses import _binding as assigned_to_target
from tradelint.models.resources.loop_transports import unclosing_protocol
from tradelint.models.resources.proofs import kept_on_self
from tradelint.models.resources.resource_types import CLOSE_METHODS, Creation, ResourceSpec
from tradelint.models.resources.statements import _handed_to


def awaited_through_wrapper(module: ModuleInfo, call: ast.Call) -> ast.Await | None:
    """``await asyncio.wait_for(websockets.connect(url), 10)`` (or ``asyncio.shield(...)``): the
    ``await`` whose value is what ``call`` makes once awaited, as ``await websockets.connect(url)``
    is (the timeout cancels the opening, or hands over the open resource); None otherwise."""
    wrapper = module.parent(call)
    if isinstance(wrapper, ast.keyword):  # (``asyncio.shield(arg=...)``: the keyword's parent is the call)
        wrapper = module.parent(wrapper)
    if not isinstance(wrapper, ast.Call) or passed_argument(module, wrapper) is not call:
        return None
    awaited = module.parent(wrapper)
    return awaited if isinstance(awaited, ast.Await) else None


def through_wrapper(module: ModuleInfo, value: ast.expr) -> bool:
    """``await asyncio.wait_for(...)`` (or ``shield``): a value made through a pass-through call."""
    return isinstance(value, ast.Await) and isinstance(value.value, ast.Call) and passed_argument(module, value.value) is not None


def passed_through(module: ModuleInfo, value: ast.expr) -> ast.expr:
    """The call a pass-through call awaits (``make()`` of ``asyncio.wait_for(make(), t)`` or of
    ``asyncio.shield(arg=make())``) or runs (``make(url)`` of ``asyncio.to_thread(make, url)``,
    :func:`~tradelint.facts.runners.ran_call`), or ``value`` itself."""
    if isinstance(value, ast.Call) and isinstance(argument := passed_argument(module, value), ast.Call):
        return argument
    if isinstance(value, ast.Call) and (ran := ran_sync_call(module, value)) is not None:
        return ran
    return value


def part_creation(module: ModuleInfo, call: ast.Call, spec: ResourceSpec, label: str) -> Creation | None:
    """``reader, writer = await asyncio.open_connection(...)`` (or ``self.reader, self.writer =
    ...``), also through ``asyncio.wait_for`` and a local bound to the call: the element
    ``spec.part`` of the unpacked tuple is the resource. Anything else (returned, handed on) is
    not judged: what holds the tuple is not read."""
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function or spec.part is None:
        return None
    # (a first-party factory that is no coroutine gives its tuple at once: ``client, credentials =
    # login(path)``; unpacked unawaited, a coroutine's call would fail where it is made)
    awaited = awaited_result(module, function, call) or call
    binding = assigned_part(module, awaited, function, spec.part) or indexed_part(module, awaited, function, spec.part)
    if binding is None:
        return None
    if binding.kind == "local" and binding.name == "_":
        # ``_, protocol = await loop.create_connection(...)``: the protocol was handed the
        # transport (``connection_made``) and may close it, unless its class's code shows it never does.
        protocol = unclosing_protocol(module, call, function)
        return None if protocol is None else Creation(call, spec, label, "inline", binding.stmt, protocol, function)
    if binding.kind == "local":
        kept_in = kept_on_self(module, function, binding.name)
        if kept_in is not None and not declares_outer(function, binding.name):
            # ``client, info = await connect(dev); self._client = client``: kept by the instance,
            # as a whole value stored on ``self`` is (whatever the local does meanwhile).
            return Creation(call, spec, label, kept_in[0], binding.stmt, kept_in[1], function, cast(ast.ClassDef, module.parent(function)))
        return Creation(call, spec, label, "local", binding.stmt, binding.name, function)
    return Creation(call, spec, label, "self", binding.stmt, binding.name, function, binding.cls)


def indexed_part(module: ModuleInfo, value: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef, part: int) -> Binding | None:
    """``pair = await make_pair(); session = pair[0]``: the tuple kept whole in a local bound once
    and read only by constant index; the binding of the one read of element ``part`` (``name =
    pair[part]`` or ``self.attr = pair[part]``), as unpacking would bind it. None when the tuple is
    used otherwise (handed on, returned, iterated: what holds it then is not read) or that element
    is read more than once or not bound."""
    stmt = module.parent(value)
    if not (isinstance(stmt, ast.Assign) and stmt.value is value and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    name = stmt.targets[0].id
    if len(name_stores(function, name)) != 1 or declares_outer(function, name):
        return None
    reads: list[ast.Subscript] = []
    for load in name_loads(function, name):
        read = module.parent(load)
        if not (isinstance(read, ast.Subscript) and read.value is load and isinstance(read.slice, ast.Constant)):
            return None
        index = read.slice.value
        if not isinstance(index, int) or isinstance(index, bool):
            return None
        if index == part:
            reads.append(read)
    if len(reads) != 1:
        return None
    kept = module.parent(reads[0])
    if not (isinstance(kept, ast.Assign) and kept.value is reads[0] and len(kept.targets) == 1):
        return None
    return assigned_to_target(module, kept.targets[0], kept, function)


def owner_creation(
    module: ModuleInfo,
    call: ast.Call,
    expr: ast.expr,
    spec: ResourceSpec,
    label: str,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> Creation | None:
    """An instance of a class that never closes what it opens, made in a function: inline,
    handed on, bound to a local, or kept on ``self`` (``self_holder``: its owner's end must reach
    what it holds)."""
    parent = module.parent(expr)
    if isinstance(parent, (ast.Attribute, ast.Expr)):
        return Creation(call, spec, label, "inline", call, spec.holds, function=function)
    handed = _handed_to(module, expr)
    if handed is not None:
        if definition_of(module, handed.func) is None:
            return None  # registered with a framework or library (``bot.add_cog(Cog())``)
        return Creation(call, spec, label, "handed", call, spec.holds, function=function)
    binding = assigned_to(module, expr, function)
    if binding is not None and binding.kind == "self" and binding.cls is not None:
        # ``self._inference = AsyncInference(config)``: the owner's end must reach what it holds.
        return Creation(call, spec, label, "self_holder", binding.stmt, binding.name, function, binding.cls)
    if binding is None or binding.kind != "local" or declares_outer(function, binding.name):
        return None
    return Creation(call, spec, label, "local", binding.stmt, binding.name, function)


def entered_by_hand(module: ModuleInfo, call: ast.Call) -> ast.Await | None:
    """``await ClientSession().__aenter__()`` around ``call``: entered by hand, it gives the
    session itself (its ``__aexit__`` closes it); None for any other use of ``call``."""
    attribute = module.parent(call)  # ``call.__aenter__``, called
    entering = module.parent(attribute) if attribute is not None else None
    if isinstance(entering, ast.Call) and entered_call(entering) is call and isinstance(awaited := module.parent(entering), ast.Await):
        return awaited
    return None


def chained_self_binding(module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Binding | None:
    """``sio = self._sio = socketio.AsyncClient()``: a chained store whose one ``self.<attr>``
    target keeps the value on the instance, the other targets being local names the function
    uses it through (iprak/sensi ``9ec66e57``). The class owns it, unless the function closes
    it through a local name itself (then the local's lifetime is the one judged elsewhere)."""
    stmt = module.parent(expr)
    if not (isinstance(stmt, ast.Assign) and stmt.value is expr and len(stmt.targets) > 1):
        return None
    if not all(isinstance(t, (ast.Name, ast.Attribute)) for t in stmt.targets):
        return None
    kept = [b for t in stmt.targets if (b := assigned_to_target(module, t, stmt, function)) is not None and b.kind == "self"]
    if len(kept) != 1 or any(isinstance(t, ast.Attribute) and not _on_receiver(t, function) for t in stmt.targets):
        return None
    locals_ = {t.id for t in stmt.targets if isinstance(t, ast.Name)}
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in locals_
            and node.func.attr in CLOSE_METHODS | {"disconnect", "stop", "shutdown"}
        ):
            return None
    return kept[0]


def _on_receiver(target: ast.Attribute, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return isinstance(target.value, ast.Name) and bool(function.args.args) and target.value.id == function.args.args[0].arg
