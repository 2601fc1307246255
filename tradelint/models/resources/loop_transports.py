"""The transport an event loop's connection maker returns: ``transport, protocol = await
loop.create_connection(factory, host, port)`` (or ``create_datagram_endpoint``,
``create_unix_connection``) opens a socket that only ``transport.close()`` releases; never closed,
asyncio warns "unclosed transport" when it is collected and the socket stays open until then.
The listening ``Server`` of ``loop.create_server(...)`` (``create_unix_server``) likewise, until its
``close()``.

The receiver must be an event loop by what the code says of it: a call of asyncio's own loop
getters (``asyncio.get_running_loop().create_connection(...)``), a local bound once to one, a
parameter annotated ``AbstractEventLoop``, or a value the code calls a loop (``loop``,
``self._loop``, ``bot.loop``): a module's function of the same name (``aioredis.create_connection``)
or any other receiver is not judged."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import parameter
from tradelint.facts.uses import bound_once
from tradelint.models.resources.resource_types import ResourceSpec

# The loop's makers that return ``(transport, protocol)``, the transport first.
TRANSPORT_MAKERS = frozenset({"create_connection", "create_datagram_endpoint", "create_unix_connection"})

TRANSPORT_SPEC = ResourceSpec("close", awaited=False, part=0)

# The loop's makers of a listening ``Server``, released by its ``close()``.
SERVER_MAKERS = frozenset({"create_server", "create_unix_server"})
SERVER_SPEC = ResourceSpec("close", awaited=False, unenterable=True, awaited_maker=True)

_LOOP_GETTERS = frozenset(
    f"asyncio{module}.{name}"
    for module in ("", ".events")
    for name in ("get_running_loop", "get_event_loop", "new_event_loop")
)
_LOOP_TYPES = frozenset({"asyncio.AbstractEventLoop", "asyncio.events.AbstractEventLoop", "asyncio.BaseEventLoop"})


def loop_transport(module: ModuleInfo, call: ast.Call) -> ResourceSpec | None:
    """The transport's spec when ``call`` is an event loop's connection maker; None otherwise."""
    func = call.func
    if not isinstance(func, ast.Attribute) or (func.attr not in TRANSPORT_MAKERS and func.attr not in SERVER_MAKERS):
        return None
    if not _is_loop(module, call, func.value, depth=2):
        return None
    if func.attr in SERVER_MAKERS:
        return SERVER_SPEC
    factory = call.args[0] if call.args else None
    if isinstance(factory, ast.Lambda) and isinstance(factory.body, ast.Name) and not _kept_on_self(module, call):
        # ``lambda: connection``: a protocol the function already holds was handed the transport
        # (``connection_made``); whoever keeps it keeps the transport, not this function.
        return None
    return TRANSPORT_SPEC


def _kept_on_self(module: ModuleInfo, call: ast.Call) -> bool:
    """``self.transport, _ = await loop.create_connection(...)``: the class holds the transport."""
    awaited = module.parent(call)
    stmt = module.parent(awaited) if awaited is not None else None
    return (
        isinstance(stmt, ast.Assign)
        and isinstance(target := stmt.targets[0], ast.Tuple)
        and bool(target.elts)
        and isinstance(target.elts[0], ast.Attribute)
    )


def _is_loop(module: ModuleInfo, call: ast.Call, receiver: ast.expr, *, depth: int) -> bool:
    if isinstance(receiver, ast.Call):
        return module.imports.qualify(receiver.func) in _LOOP_GETTERS
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
        return arg.annotation is not None and module.imports.qualify(arg.annotation) in _LOOP_TYPES
    value = bound_once(function, name)
    return value is not None and _is_loop(module, call, value, depth=depth - 1)
