"""Event loops by what the code says of them, and what a method keeps on ``self`` through a local.

A receiver is an event loop when the code says so: a call of asyncio's own loop getters
(``asyncio.get_running_loop().create_connection(...)``), a local bound once to one, a parameter
annotated ``AbstractEventLoop``, or a value the code calls a loop (``loop``, ``self._loop``,
``self.xknx.loop``). The transport of such a loop's connection maker (``create_connection``,
``create_datagram_endpoint``, ``create_unix_connection``: the first of the pair it returns) is
what a class acquires when it keeps it, under the name ``asyncio.AbstractEventLoop.<maker>`` that
the resource table knows.

A method may keep what it made through a local: ``(transport, _) = await loop.create_datagram_endpoint(...)``
then, in the same block, ``self.transport = transport`` keeps the transport as ``self.transport, _ = await ...`` does
(XKNX/xknx ``b93be2a2``: the ``UDPClient`` whose ``stop()`` closes it is a resource type, and the
tunnel that replaces it on reconnect leaks the socket)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import parameter, statement_block, walk
from tradelint.facts.uses import bound_once

LOOP_GETTERS = frozenset(
    f"asyncio{module}.{name}"
    for module in ("", ".events")
    for name in ("get_running_loop", "get_event_loop", "new_event_loop")
)
LOOP_TYPES = frozenset({"asyncio.AbstractEventLoop", "asyncio.events.AbstractEventLoop", "asyncio.BaseEventLoop"})
# The loop's makers that return ``(transport, protocol)``, the transport first, and of a ``Server``.
TRANSPORT_MAKERS = frozenset({"create_connection", "create_datagram_endpoint", "create_unix_connection"})
SERVER_MAKERS = frozenset({"create_server", "create_unix_server"})
# The name a class's acquisition of a loop's transport or server is recorded under.
LOOP_TYPE = "asyncio.AbstractEventLoop"


def is_loop(module: ModuleInfo, call: ast.Call, receiver: ast.expr, *, depth: int) -> bool:
    """Whether ``receiver`` (of ``call``) is an event loop by what the code says of it."""
    if isinstance(receiver, ast.Call):
        return module.imports.qualify(receiver.func) in LOOP_GETTERS
    name = receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) else None
    if name is None:
        return False
    if isinstance(receiver, ast.Name) and module.imports.qualify(receiver) is not None:
        return False  # an imported module or name: ``aioredis.create_connection(...)``
    if name == "loop" or name.endswith("_loop"):
        return True
    function = module.enclosing_function(call)
    if not isinstance(receiver, ast.Name) or function is None or depth == 0:
        return False
    if (arg := parameter(function, name)) is not None:
        return arg.annotation is not None and module.imports.qualify(arg.annotation) in LOOP_TYPES
    value = bound_once(function, name)
    return value is not None and is_loop(module, call, value, depth=depth - 1)


def loop_maker(module: ModuleInfo, call: ast.Call) -> str | None:
    """``asyncio.AbstractEventLoop.<maker>`` when ``call`` is an event loop's connection or server
    maker; None otherwise."""
    func = call.func
    if not isinstance(func, ast.Attribute) or (func.attr not in TRANSPORT_MAKERS and func.attr not in SERVER_MAKERS):
        return None
    return f"{LOOP_TYPE}.{func.attr}" if is_loop(module, call, func.value, depth=2) else None


def loop_ref(module: ModuleInfo, call: ast.Call) -> tuple[str, str] | None:
    """``("qualified", "asyncio.AbstractEventLoop.<maker>")``, the reference a class's summary
    records for the transport it keeps from a loop's connection maker; None for any other call.
    Not a listening server (``create_server``): a class keeping one is typically the program's
    core, whose blocking ``start()`` runs its whole life and closes it there (LedFx's
    ``LedFxCore``), which the owner's reading of its end does not follow."""
    made = loop_maker(module, call)
    return ("qualified", made) if made is not None and call.func.attr in TRANSPORT_MAKERS else None  # type: ignore[attr-defined]


def kept_local(module: ModuleInfo, store: ast.stmt, name: str) -> tuple[ast.expr, int | None] | None:
    """What the local ``name`` holds where ``store`` keeps it on ``self``: the value of the binding
    that reaches it in the same block, ``name = value`` or one element of ``(name, _) = value``
    (with that element's index), when no statement between them binds ``name`` again. None for a
    parameter, a name bound elsewhere (a branch, a loop, a ``with``, a ``global``) or nowhere."""
    function = module.enclosing_function(store)
    block = statement_block(module.parent(store), store)
    if function is None or block is None or parameter(function, name) is not None:
        return None
    for stmt in reversed(block[: block.index(store)]):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and target.id == name:
                return stmt.value, None
            if isinstance(target, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in target.elts):
                index = next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name), None)
                if index is not None:
                    return stmt.value, index
        if any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in walk(stmt)):
            return None  # bound some other way on the way (a loop, a ``with``, a branch)
    return None
