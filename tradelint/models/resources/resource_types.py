"""The async resources tradelint knows (a configurable table, each with its close method) and the
plain data the resource analysis reports: where a resource is created, what is wrong with it."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo
    from tradelint.facts.uses import Use


@dataclass(frozen=True)
class ResourceSpec:
    close: str
    # Needs a running event loop when constructed: creating it at import time is a bug by itself.
    needs_loop: bool = False
    # Opens connections only on first use (ccxt, httpx, redis): unused, it holds nothing to leak.
    lazy: bool = False
    # ``await x.close()``, or ``x.stop()`` for a first-party type whose release method is sync.
    awaited: bool = True
    # A first-party class that acquires a resource and releases it in its own method.
    first_party: bool = False
    # The close method is a coroutine function: calling it without ``await`` closes nothing.
    # Only where the library's code says so (aiohttp 3's ``TCPConnector.close()`` closes at once
    # and returns an awaitable only for compatibility); unknown for a configured resource.
    coroutine_close: bool = False
    # A first-party class that opens a resource on ``self`` in ``__init__`` and never closes it:
    # the attribute. Each instance made leaks it, whoever holds the instance.
    holds: str = ""
    # ``holds`` made on first use (a getter), not in ``__init__``: judged only where an integration's
    # setup keeps the instance for its entry (``owner_leaks.lazy_holder_at_setup``), which uses it for
    # the entry's life.
    lazily_held: bool = False
    # Other methods that end an instance themselves, read from a library's code (discord's
    # ``Client.run()`` enters ``async with self`` around the bot's whole life).
    ends: tuple[str, ...] = ()
    # A library wrapper's constructor parameters (name, position) whose value its release closes:
    # a call that passes one wraps the caller's resource and creates none (anchorpy's
    # ``Program(idl, pid, provider)``).
    given: tuple[tuple[str, int], ...] = ()
    # Made by a factory that returns None on some path (an error): ``async with`` cannot take what
    # the call returns, so no fix opens it with one.
    maybe_none: bool = False
    # A tuple maker's element that tells whether the caller owns the resource (``db, owned =
    # await ensure_db(db)``): (its position, the value that says it was made for the caller). An
    # exit the other value guards leaks nothing (``models/resources/returned_parts.py``).
    owned_flag: tuple[int, bool] | None = None
    # What the call gives is no async context manager ``async with`` could enter as written (an
    # awaited maker of a server, aiohttp's ``AppRunner``): no ``async with`` fix.
    unenterable: bool = False
    # A coroutine function's result: the resource is what awaiting the call gives, and a call
    # that is not awaited where it is made (``coro = loop.create_server(...)``, run elsewhere) is
    # not judged.
    awaited_maker: bool = False
    # Holds nothing until this method of it is called (aiohttp's runner until ``setup()``), unlike
    # a client that opens on its first use: an owner that makes one in ``__init__`` holds nothing
    # until then either.
    opened_by: str = ""
    # A first-party type known by its ``__aexit__`` alone (``ResourceType.by_protocol``): nothing
    # shows what it acquires, and it may only wrap what it is given (``HttpTransport(http=...)``).
    by_protocol: bool = False
    # A third-party class known as a resource only because the project's own code releases an
    # instance of it (``project_evidence``): what it holds is not known, and an instance that may
    # be shared (handed a shared session, or got from a maker given nothing) is not judged.
    evidenced: bool = False
    # The call returns a tuple and only this element of it is the resource: the writer of
    # ``reader, writer = await asyncio.open_connection(host, port)``. Bound by unpacking only;
    # no ``async with`` can take it.
    part: int | None = None
    # A first-party client that opens on first use: the constructor parameters whose value
    # ``__init__`` stores where its getter would make its own (``session=...``). An instance handed
    # a shared object there (from a getter: Home Assistant's session) borrows it and is not
    # judged; one handed a resource made for it may own it (its release may close it).
    lends: tuple[tuple[str, int], ...] = ()
    # Constructor parameters whose value holds every connection the instance uses (httpx's
    # ``transport``, aiohttp's ``connector``): given one made elsewhere, it holds nothing of its
    # own (``models/resources/given_parts.py``); ``pool_owner``: the library's keyword that says
    # whether it owns what it is given there (aiohttp's ``connector_owner``, true by default).
    pools: tuple[tuple[str, int], ...] = ()
    pool_owner: str = ""
    # The library's own parts that, given at ``pools``, open nothing (httpx's in-process
    # transports, whose ``aclose()`` is the base class's no-op): a client given one made for it
    # holds nothing to release; ``own_pools``: the keywords with which it makes pools of its own
    # all the same (httpx's ``mounts``, an explicit ``proxy``).
    idle_parts: frozenset[str] = frozenset()
    own_pools: frozenset[str] = frozenset()
    # A first-party class that acquires nothing itself but keeps and releases what it is given
    # there (``Wrapper(session)`` whose ``close()`` closes ``self.session``): an instance is a
    # resource only when it is handed one made for it (``Wrapper(ClientSession())``); the
    # creator's ownership then moved to it, and it must be released in turn.
    takes: tuple[tuple[str, int], ...] = ()
    # A first-party maker's parameters (name, position) whose value, when given, its holder keeps
    # instead of a resource of its own (``Manager(session or ClientSession(), session is None)``):
    # a call that passes a value there of its own is lent one and makes nothing.
    unless_given: tuple[tuple[str, int], ...] = ()
    # A first-party subclass of a library resource type: ended by its release or ``ends`` only, not
    # by any method named like a release (``disconnect()`` closing only the websocket it opened).
    inherited: bool = False
    # A first-party type whose release does nothing but release one part of it (``close()`` is
    # ``await self.http.close()``): that part's release, spelled through an instance (``await
    # client.http.close()``), is the instance's (``models/resources/part_releases.py``). Not
    # compared: the specs of several classes (a registry's) are the same resource whatever their
    # releases' bodies, and a part's release counts only for an instance whose class is proven.
    part_ends: tuple[str, ...] = field(default=(), compare=False)
    # An HTTP response (``models/resources/responses.py``): its connection goes back to the pool
    # when it is read, released or collected; judged only where nothing can release it any more.
    collected: bool = False
    # A library's type read into the table (``library_spec``): its own release is what its code
    # says ends it; a release of a part of it (``app.updater.stop()``) is not that release.
    library: bool = False
    # A first-party class whose release leaves ``holds`` open (``models/resources/release_leaves.py``):
    # that release method, then the public methods after which the attribute stays open.
    leaves: tuple[str, ...] = ()
    # A first-party maker returns, on other paths, an instance of a class of the project that
    # holds nothing and has no such release (``NullNotifier``): what the call gives is the
    # resource on some paths only, and no fix writes its release unguarded.
    some_paths: bool = False
    # A first-party maker returns a new local collection whose elements are such resources
    # (``get_enabled_connectors()`` filling a list it returns): each element is the caller's to
    # close; judged only where the caller keeps the collection in a local that dies with its frame.
    elements: bool = False


def library_spec(
    close: str,
    *,
    awaited: bool,
    lazy: bool,
    ends: tuple[str, ...] = (),
    given: tuple[tuple[str, int], ...] = (),
    unenterable: bool = False,
) -> ResourceSpec:
    """The spec of a library class that its own code says must be released
    (``scripts/make_resource_table.py``): judged by the rules of a first-party resource type.
    ``close`` may be a path (``session.close``): released by releasing that part of it
    (``models/resources/part_releases.py``)."""
    return ResourceSpec(
        close, lazy=lazy, awaited=awaited, first_party=True, coroutine_close=awaited, ends=ends, given=given, library=True,
        unenterable=unenterable,
    )


def inherited_release(spec: ResourceSpec | None) -> tuple[str, bool, bool] | None:
    """(close, awaited, lazy) that a first-party subclass inherits from a library class of this
    spec: one whose instance is the resource (not a part of what a call returns, not a wrapper of
    what it is given, not known only from the project's own releases)."""
    if spec is None or spec.part is not None or spec.given or spec.lends or spec.evidenced:
        return None
    return spec.close, spec.awaited, spec.lazy


def wraps_given(call: ast.Call, spec: ResourceSpec) -> bool:
    """Whether ``call`` gives a library wrapper the resource it would otherwise make itself."""
    return passes_any(call, spec.given)


def passes_any(call: ast.Call, params: tuple[tuple[str, int], ...]) -> bool:
    """Whether ``call`` passes a value other than ``None`` for one of ``params`` (name,
    position; -1 when it is passed by name only)."""
    return any((value := passed(call, name, position)) is not None and not _is_none(value) for name, position in params)


def passed(call: ast.Call, name: str, position: int) -> ast.expr | None:
    """What ``call`` passes for the parameter ``name`` at ``position`` (-1: by name only)."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return call.args[position] if 0 <= position < len(call.args) else None


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def first_party_spec(
    release: str,
    *,
    lazy: bool,
    awaited: bool,
    ends: tuple[str, ...] = (),
    by_protocol: bool = False,
    inherited: bool = False,
    part_ends: tuple[str, ...] = (),
) -> ResourceSpec:
    """The spec of a first-party resource type (``OwnershipModel.first_party_type``'s answer):
    released by its own method, awaited when that method is a coroutine."""
    return ResourceSpec(
        release,
        lazy=lazy,
        awaited=awaited,
        first_party=True,
        coroutine_close=awaited,
        ends=ends,
        by_protocol=by_protocol,
        inherited=inherited,
        part_ends=part_ends,
    )


_CONNECTOR = (("connector", -1),)
_HTTPX_IN_PROCESS = frozenset({
    "httpx.ASGITransport", "httpx._transports.asgi.ASGITransport", "httpx.MockTransport", "httpx._transports.mock.MockTransport",
})
_HTTPX_MOUNTS = frozenset({"mounts", "proxy", "proxies"})

BUILTIN_RESOURCES: dict[str, ResourceSpec] = {
    # A session given a connector with ``connector_owner=False`` never closes it and holds nothing.
    "aiohttp.ClientSession": ResourceSpec("close", needs_loop=True, coroutine_close=True, pools=_CONNECTOR, pool_owner="connector_owner"),
    "aiohttp.client.ClientSession": ResourceSpec("close", needs_loop=True, coroutine_close=True, pools=_CONNECTOR, pool_owner="connector_owner"),
    "aiohttp.TCPConnector": ResourceSpec("close", needs_loop=True),
    "aiohttp.connector.TCPConnector": ResourceSpec("close", needs_loop=True),
    # A client given a transport sends through that transport's pool and makes no mounts of its own.
    # ``ASGITransport`` (an application called in-process) and ``MockTransport`` (a handler
    # function) define no ``aclose()``: ``AsyncBaseTransport.aclose`` does nothing, and the client
    # given one holds nothing (its ``aclose()`` closes its transport and its mounts' only).
    "httpx.AsyncClient": ResourceSpec("aclose", lazy=True, coroutine_close=True, pools=(("transport", -1),), idle_parts=_HTTPX_IN_PROCESS, own_pools=_HTTPX_MOUNTS),
    # Given a ``connection_pool`` it did not make for itself, a client only borrows connections
    # from it, and its ``aclose()`` leaves the pool to whoever made it (redis-py's default).
    "redis.asyncio.Redis": ResourceSpec("aclose", lazy=True, coroutine_close=True, lends=(("connection_pool", -1),)),
    "redis.asyncio.StrictRedis": ResourceSpec("aclose", lazy=True, coroutine_close=True, lends=(("connection_pool", -1),)),
    "redis.asyncio.client.Redis": ResourceSpec("aclose", lazy=True, coroutine_close=True, lends=(("connection_pool", -1),)),
    "redis.asyncio.from_url": ResourceSpec("aclose", lazy=True, coroutine_close=True),
    "redis.asyncio.Redis.from_url": ResourceSpec("aclose", lazy=True, coroutine_close=True),
    "redis.asyncio.client.Redis.from_url": ResourceSpec("aclose", lazy=True, coroutine_close=True),
    "asyncpg.create_pool": ResourceSpec("close", coroutine_close=True),
    # An exit stack owns every context entered into it (``await stack.enter_async_context(
    # stdio_client(params))``, the MCP clients' way) until its ``aclose()``; entered nothing, it
    # holds nothing.
    "contextlib.AsyncExitStack": ResourceSpec("aclose", lazy=True, coroutine_close=True),
    # Plain coroutines giving a connection that holds its socket from the moment they return, no
    # context manager as written (``async with asyncpg.connect(dsn)`` fails): released by an
    # awaited ``close()`` in a ``finally``. The table's generator cannot see them: asyncpg's
    # ``Connection`` is handed the transport ``connect()`` opened for it, and aio_pika's factories
    # return an instance of the class they are given (``connection_class=Connection``).
    "asyncpg.connect": ResourceSpec("close", coroutine_close=True, unenterable=True, awaited_maker=True),
    "asyncpg.connection.connect": ResourceSpec("close", coroutine_close=True, unenterable=True, awaited_maker=True),
    "aio_pika.connect": ResourceSpec("close", coroutine_close=True, unenterable=True, awaited_maker=True),
    "aio_pika.connection.connect": ResourceSpec("close", coroutine_close=True, unenterable=True, awaited_maker=True),
    "aio_pika.connect_robust": ResourceSpec("close", coroutine_close=True, unenterable=True, awaited_maker=True),
    "aio_pika.robust_connection.connect_robust": ResourceSpec("close", coroutine_close=True, unenterable=True, awaited_maker=True),
    # Connections that hold a socket from the moment they are awaited. Only those whose call is
    # itself an async context manager (``async with websockets.connect(url) as ws``), so that
    # TRD201's cure and fix are right (``nats.connect()`` is a plain coroutine, not known).
    # ``aiosqlite.connect`` was measured and left out: 4 of 7 right on the corpus (its own tests
    # open connections that are meant to fail, to warn, or to end by ``stop()``), below the 95 %
    # bar.
    "websockets.connect": ResourceSpec("close", coroutine_close=True),
    "websockets.client.connect": ResourceSpec("close", coroutine_close=True),
    "websockets.asyncio.client.connect": ResourceSpec("close", coroutine_close=True),
    # A stream's writer owns the socket: ``writer.close()`` releases it (``await
    # writer.wait_closed()`` only waits for that), and an unclosed one is reported by asyncio as
    # "unclosed transport" when collected.
    "asyncio.open_connection": ResourceSpec("close", awaited=False, part=1),
    "asyncio.open_unix_connection": ResourceSpec("close", awaited=False, part=1),
    "asyncio.streams.open_connection": ResourceSpec("close", awaited=False, part=1),
    "asyncio.streams.open_unix_connection": ResourceSpec("close", awaited=False, part=1),
    # A listening server owns its sockets until ``close()`` (then ``await server.wait_closed()``).
    "asyncio.start_server": ResourceSpec("close", awaited=False, unenterable=True, awaited_maker=True),
    "asyncio.start_unix_server": ResourceSpec("close", awaited=False, unenterable=True, awaited_maker=True),
    "asyncio.streams.start_server": ResourceSpec("close", awaited=False, unenterable=True, awaited_maker=True),
    "asyncio.streams.start_unix_server": ResourceSpec("close", awaited=False, unenterable=True, awaited_maker=True),
    # aiohttp's runner holds the server and every site started on it from its ``setup()`` until its
    # ``cleanup()`` (which stops the sites); made and never set up, it holds nothing.
    "aiohttp.web.AppRunner": ResourceSpec("cleanup", lazy=True, coroutine_close=True, unenterable=True, opened_by="setup"),
    "aiohttp.web_runner.AppRunner": ResourceSpec("cleanup", lazy=True, coroutine_close=True, unenterable=True, opened_by="setup"),
    "aiohttp.web.ServerRunner": ResourceSpec("cleanup", lazy=True, coroutine_close=True, unenterable=True, opened_by="setup"),
    "aiohttp.web_runner.ServerRunner": ResourceSpec("cleanup", lazy=True, coroutine_close=True, unenterable=True, opened_by="setup"),
    # gql's client connects its transport only in ``connect_async()`` (or ``async with``): every
    # ``execute``, ``execute_async``, ``execute_batch`` and ``subscribe`` runs in a session it opens
    # and closes itself (``with self as session``), so a client used only so holds nothing
    # (gql 3 and 4, ``gql/client.py``). These entries take the place of the library table's
    # (``packs/library_resources.json``), which says ``lazy`` without the method that opens it.
    "gql.Client": ResourceSpec("close_async", lazy=True, coroutine_close=True, opened_by="connect_async"),
    "gql.client.Client": ResourceSpec("close_async", lazy=True, coroutine_close=True, opened_by="connect_async"),
}


def split_part(ref: str) -> tuple[str, int | None]:
    """``asyncio.open_connection[1]`` (how a class's summary names the element of a returned tuple
    it stores: ``self.reader, self.writer = await asyncio.open_connection(...)``) ->
    (``asyncio.open_connection``, 1); a plain name -> (the name, None)."""
    if ref.endswith("]") and "[" in ref:
        name, _, index = ref[:-1].rpartition("[")
        if index.isdigit():
            return name, int(index)
    return ref, None


# ``ccxt.async_support.binance()``: any exchange class directly under these modules.
EXCHANGE_MODULES = ("ccxt.async_support", "ccxt.pro")
# Every exchange class of those modules: it opens its session on first use, closed by ``close()``.
EXCHANGE_SPEC = ResourceSpec("close", lazy=True, coroutine_close=True)


CLOSE_METHODS = {"close", "aclose", "__aexit__"}


# An exit stack's methods: what they enter is ended when the stack ends.
STACK_TAKERS = frozenset({"enter_async_context", "enter_context"})
OWNERSHIP_TAKERS = STACK_TAKERS | {"aclosing", "closing"}


# Builtins a resource may be passed to without anyone taking it over.
NOT_TAKERS = {"getattr", "hasattr", "setattr", "vars", "dir"}


Kind = Literal["local", "inline", "self", "self_holder", "self_elements", "global_elements", "startup", "import_time", "handed", "generator", "yielded", "local_elements", "integration", "self_key", "app_global", "process_global", "eager_default", "class_attr"]


@dataclass(frozen=True)
class Creation:
    call: ast.Call
    spec: ResourceSpec
    label: str  # how the constructor is spelled in the source, for messages
    kind: Kind
    stmt: ast.AST  # the node reported
    name: str = ""  # the local name or the self attribute
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    cls: ast.ClassDef | None = None


Problem = Literal[
    "never_closed",
    "response_discarded",
    "self_closed_on_one_outcome",
    "response_never_released",
    "response_replaced",
    "response_open_at_yield",
    "response_open_in_generator",
    "response_open_on_error",
    "response_open_on_raise",
    "global_element_dropped",
    "global_element_replaced",
    "element_replaced",
    "self_cancel_skips_close",
    "self_closed_after_own_use",
    "self_kept_before_handoff",
    "self_flag_reset_open",
    "cancel_skips_close",
    "handler_awaits_before_close",
    "not_in_finally",
    "not_in_finally_callee",
    "inline",
    "self_never_closed",
    "import_time",
    "handed",
    "replaced",
    "replaced_after_use",
    "early_exit",
    "error_before_try",
    "exit_before_handoff",
    "error_before_handoff",
    "raised_before_handoff",
    "self_raised_before_kept",
    "setup_fails_after_keep",
    "key_never_closed",
    "key_close_not_awaited",
    "self_replaced",
    "self_replaced_again",
    "self_remade_at_release",
    "self_dropped",
    "global_never_closed",
    "elements_never_closed",
    "generator",
    "yielded",
    "local_elements",
    "integration_never_closed",
    "owner_leaks",
    "holder_kept_at_setup",
    "holder_opened_never_closed",
    "self_swallowed_before_kept",
    "holder_release_leaves",
    "self_holder_release_leaves",
    "self_holder_left_open",
    "self_leaks_when_enter_fails",
    "owner_closed_outside_finally",
    "global_elements_never_closed",
    "self_closed_at_stop_only",
    "startup_never_closed",
    "app_never_closed",
    "app_global_never_closed",
    "process_global_never_closed",
    "class_attr_never_closed",
    "closure_never_closed",
    "element_dropped",
    "eager_default",
]


@dataclass(frozen=True)
class Verdict:
    creation: Creation
    problem: Problem
    # The method that drops the attribute, for "self_dropped".
    detail: str = ""
    # A later acquisition of an attribute already reported at an earlier one (``self.s`` made in
    # ``__init__`` and again in ``reconnect()``): reported too, where it is made, with no second fix.
    repeat: bool = False


@dataclass(frozen=True)
class UnawaitedClose:
    """``session.close()`` as a statement, where ``close`` is a coroutine function: the close is
    created and dropped, and the resource stays open (TRD205)."""

    call: ast.Call
    creation: Creation
    spelled: str  # ``self._session.close``, for messages
    fixable: bool  # in an ``async def``: ``await`` can be added


def unawaited_close(module: ModuleInfo, use: Use, spec: ResourceSpec) -> bool:
    """Whether ``use`` is a call of the resource's coroutine close whose result is thrown away."""
    if use.kind != "method" or use.call is None or not spec.coroutine_close:
        return False
    if use.name != spec.close and (spec.first_party or use.name not in ("close", "aclose")):
        return False
    return isinstance(module.parent(use.call), ast.Expr)


def holds_nothing_new(spec: ResourceSpec) -> bool:
    """A library type that acquires nothing until it is used (an `AsyncExitStack` until something
    is entered, an `httpx.AsyncClient` until its first request): made again right after its close
    (`await self._stack.aclose(); self._stack = AsyncExitStack()`), the new one holds nothing at the
    owner's end, and the next close ends whatever a later use put in it. A first-party lazy type
    is not assumed to be so (its own code may acquire on a path the model does not read)."""
    return spec.lazy and not spec.first_party
