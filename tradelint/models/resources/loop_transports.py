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

from tradelint.facts.class_family import class_and_bases, resolve_class_node
from tradelint.facts.context import ModuleInfo, cast_of
from tradelint.facts.loop_receivers import LOOP_TYPE, SERVER_MAKERS, TRANSPORT_MAKERS, is_loop
from tradelint.facts.syntax import base_class, parameter
from tradelint.models.resources.resource_types import ResourceSpec

TRANSPORT_SPEC = ResourceSpec("close", awaited=False, part=0)

# The loop's makers of a listening ``Server``, released by its ``close()``.
SERVER_SPEC = ResourceSpec("close", awaited=False, unenterable=True, awaited_maker=True)
# What a class acquires from a loop's maker (``facts.loop_receivers``' names), for the table.
LOOP_MADE = {f"{LOOP_TYPE}.{maker}": TRANSPORT_SPEC for maker in TRANSPORT_MAKERS}


def loop_transport(module: ModuleInfo, call: ast.Call) -> ResourceSpec | None:
    """The transport's spec when ``call`` is an event loop's connection maker; None otherwise."""
    func = call.func
    if not isinstance(func, ast.Attribute) or (func.attr not in TRANSPORT_MAKERS and func.attr not in SERVER_MAKERS):
        return None
    if not is_loop(module, call, func.value, depth=2):
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


# The protocol bases of asyncio, whose ``connection_made`` keeps nothing and which close nothing.
_ASYNCIO_PROTOCOLS = frozenset(
    f"asyncio{module}.{name}"
    for module in ("", ".protocols")
    for name in ("BaseProtocol", "Protocol", "BufferedProtocol", "DatagramProtocol", "SubprocessProtocol")
)
_TRANSPORT_RELEASES = frozenset({"close", "abort"})


def unclosing_protocol(module: ModuleInfo, call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The first-party protocol class that nothing shows closes the transport of ``_, protocol =
    await loop.create_connection(factory, ...)``: the transport is discarded, so only the
    protocol, handed it by ``connection_made``, could close it; a class whose whole lineage is
    the project's own (or asyncio's protocol bases) and never calls ``close()`` or ``abort()``
    on what its ``connection_made`` keeps leaves it open (aiortc/aioice ``1c305f65``). The class
    is read from the factory: a class, ``lambda: Proto(...)``, ``functools.partial(Proto, ...)``,
    or a parameter whose default is one. None when it may close it or is not known."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in TRANSPORT_MAKERS:
        return None
    factory = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "protocol_factory"), None)
    named = _protocol_class(module, function, factory) if factory is not None else None
    if named is None:
        return None
    owner, cls = named
    family = class_and_bases(owner, cls)
    resolved = {id(node) for _, node in family}
    for current, node in family:
        for base in node.bases:
            target = base_class(base)
            found = resolve_class_node(current, target)
            if (found is None or id(found[1]) not in resolved) and current.imports.qualify(target) not in _ASYNCIO_PROTOCOLS:
                return None  # a base read from nowhere may close it
    kept = _kept_transports(family)
    if not kept:
        return None  # (kept nowhere: what it does with the transport is not read)
    for _, node in family:
        for n in ast.walk(node):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _TRANSPORT_RELEASES:
                receiver = n.func.value
                if not (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == "self"):
                    return None  # ``transport = self._transport; transport.close()``: not followed, taken as a close
                if receiver.attr in kept:
                    return None
    return cls.name


def _kept_transports(family: list[tuple[ModuleInfo, ast.ClassDef]]) -> set[str] | None:
    """The attributes of ``self`` that the family's ``connection_made`` stores its transport in
    (none when it keeps nothing); None when it hands the transport anywhere else."""
    kept: set[str] = set()
    for owner, node in family:
        made = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "connection_made"), None)
        if made is None or len(made.args.args) < 2:
            continue
        transport = made.args.args[1].arg
        stored: set[int] = set()
        for stmt in ast.walk(made):
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Call) and len(value.args) == 2 and cast_of(owner, value, value.args[1]):
                value = value.args[1]  # ``self._transport = cast(DatagramTransport, transport)``
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
            if (
                isinstance(value, ast.Name) and value.id == transport and len(targets) == 1
                and isinstance(t := targets[0], ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
            ):
                kept.add(t.attr)
                stored.add(id(value))
        for n in ast.walk(made):
            if isinstance(n, ast.Name) and n.id == transport and isinstance(n.ctx, ast.Load) and id(n) not in stored and not _only_logged(made, n):
                return None  # handed to a call or kept elsewhere: what holds it is not read
    return kept


def _only_logged(function: ast.FunctionDef, name: ast.Name) -> bool:
    """``logger.debug("%s", transport)`` or ``transport.get_extra_info(...)``: a use that keeps nothing."""
    for call in ast.walk(function):
        if not isinstance(call, ast.Call):
            continue
        if name in call.args and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.func.value.id in ("logger", "_LOGGER", "log", "_log", "LOGGER"):
            return True
        if call.func is not None and isinstance(call.func, ast.Attribute) and call.func.value is name and call.func.attr == "get_extra_info":
            return True
    return False


def _protocol_class(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, factory: ast.expr | None
) -> tuple[ModuleInfo, ast.ClassDef] | None:
    if isinstance(factory, ast.Lambda) and isinstance(factory.body, ast.Call):
        factory = factory.body.func
    elif isinstance(factory, ast.Call) and module.imports.qualify(factory.func) == "functools.partial" and factory.args:
        factory = factory.args[0]
    if isinstance(factory, ast.Name) and (arg := parameter(function, factory.id)) is not None:
        factory = _default(function, arg)  # ``create_protocol=QuicConnectionProtocol``
    return resolve_class_node(module, factory) if isinstance(factory, (ast.Name, ast.Attribute)) else None


def _default(function: ast.FunctionDef | ast.AsyncFunctionDef, arg: ast.arg) -> ast.expr | None:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    if arg in positional:
        index = positional.index(arg) - (len(positional) - len(args.defaults))
        return args.defaults[index] if index >= 0 else None
    return args.kw_defaults[args.kwonlyargs.index(arg)]
