"""The documentation of TRD202 (``tradelint rule TRD202``, docs/rules.md): the shapes of a
resource kept on ``self`` and not reliably closed, each with an example. Kept apart from the
rule's code (:mod:`tradelint.rules.resource_on_self_never_closed`), which sets it as the rule
class's docstring."""

from tradelint.rules.borrowed_doc import BORROWED

DOC = """## What it does
Flags an async resource stored on `self` when no method of the class (or of its first-party
base classes, or, for a mixin with no `__init__` of its own, of a first-party class anywhere
in the project built from it: a Red cog assembled from mixins ends in its `cog_unload()` what
a mixin's method sets; or, for what a helper makes that the class never calls itself but its
subclasses do, `self.create_database()` in a subclass's `initialize()`, of a descendant, one in
another distribution of the repository that imports the base as installed included) ever closes it,
once per attribute, at its first creation. A first-party class
that acquires a resource and releases it in its own method is a resource too: a service that
creates a provider whose `close()` closes its session must call `provider.close()`; a teardown
named its own way (`finish()`, called by the owner's `shutdown()`) is found as the method that
releases what the class acquires. Also flagged: a resource that `__init__` creates and
another method re-creates (`reconnect()`) or sets to `None` (`reset()`) without closing the
old one, a resource re-created over an open one by a renewing method (`reconnect()`,
`refresh_token()`) or by a method a renewing method calls unguarded (`recreate(force=True)`
calling `_create_session()`; not a renewing method that calls it in a `try` whose `finally`
closes the attribute again under the same condition, `try: await self.open_websocket() ...
finally: await self.close_websocket()`: it ends what it opens), a resource stored with `setattr(self, "session", ...)` (as
`self.session = ...` stores it), a resource made as the fallback of a given one
(`self.s = session or ClientSession()`), one bound to a local and then stored on `self`
(`if session is None: session = ClientSession()` then `self.session = session`, unless the
method also closes the local itself; so is one element of a tuple of locals stored in a tuple of
`self` attributes, `reader, writer = await asyncio.open_connection(h, p)` then `self._reader,
self._writer = reader, writer`, which keeps the writer as `self._writer = writer` would), and resources kept as elements of a collection on
`self` (`self._sessions[key] = ClientSession()`) that no method reaches to close. A
resource bound to a local and then put there (`client = Client(); self.clients[key] =
client`) is such an element too, unless the method also closes the local itself; a collection
declared as a field made for each instance (`sessions = attr.ib(default=attr.Factory(dict))`,
`sessions: dict = field(default_factory=dict)`) is the class's own, as one made in `__init__`
(matrix-org/pantalaimon `c6c04b68`, session 44); and as for
an attribute, a close of the elements that only a bot command or listener runs does not
count (BeeHive-Cogs `5f0ef4f4`: clients closed by a `remove` command, never at unload):
```python
class Live(commands.Cog):
    async def watch(self, guild_id, user):
        client = aiohttp.ClientSession()
        self.clients[guild_id] = client      # reported: only `unwatch` closes one

    @commands.command()
    async def unwatch(self, ctx):
        await self.clients[ctx.guild.id].close()
```
Such an element closed somewhere (`await self.clients[k].close()`, or a
local taken from the collection) also makes the third-party class it is an instance of a
resource, as a close of a local or an attribute does.

An `__aenter__` (with no `try`) that opens what its `__aexit__` closes (`await
self.transport.connect()`, where `__aexit__` awaits `self.transport.close()`) and then awaits
or raises something more leaves it open when that fails: `async with` runs `__aexit__` only
once `__aenter__` has returned (graphql-python/gql `0084b95d`, the schema fetch after the
connect). `__aexit__` may end it by a method of its class that calls the class's own release
(aio-libs/aioftp `f83046e5`: `await self.client.quit()`, whose `quit()` calls
`self.close()`). Reported at the opening `await`, or where `__aenter__` made the object
before it (`self.client = Client()`), not in tests or what a script runs. What can fail is
what runs after the opening on its way out of `__aenter__`: a `raise` in the branch that a
`return` right after it leaves behind is not, nor is entering a part of a first-party class
whose `__aenter__` only stores plain values and returns (`await self._git.__aenter__()` with
`return self` there): it never suspends, so nothing can fail or be cancelled in it.

An object kept on `self` whose first-party class makes a resource in `__init__` (a
library's, or a first-party resource type's) and has no release at all, in a class that has
one (`close()`, `stop()`, `__aexit__`) which does not reach what that object holds: the
owner's end cannot end it, and each owner ended leaks it. Reported where the owner keeps
the object, beside the object's own class's finding (pinecone-io/pinecone-python-client
`173e3119`: a lazily made `AsyncInference` with its own HTTP client, under a client whose
`close()` closes only its own):
```python
class Pinecone:
    @property
    def inference(self):
        if self._inference is None:
            self._inference = Inference(self._config)   # reported: close() cannot end it
        return self._inference

    async def close(self):
        await self._http.close()
```
The owner's end is what runs at the end of its life: what a framework runs, whether the class
defines it or inherits it (a Home Assistant entity's `async_will_remove_from_hass()` and a
coordinator's `async_shutdown()` in an integration that can be unloaded, a cog's
`cog_unload()`), its release method when the name says it ends the whole object (`close()`,
`stop_listening()`) or every caller ends the object with it, or a teardown it defines
(`__aexit__`). A callback named for an event (`on_close()`, run when a websocket closes) is
no end: an owner with nothing else has no end to hang the close on, and the held class's own
finding is the one to act on (fuatakgun/eufy_security `e9763d32`: the coordinator's end is
`async_shutdown()`, not its websocket callback):
```python
class FeedCoordinator(DataUpdateCoordinator):
    def __init__(self, hass):
        super().__init__(hass, LOGGER, name="feed")
        self._feed = Feed()          # reported: async_shutdown() cannot end it

    async def on_close(self):        # the websocket's callback: no end of the coordinator
        LOGGER.debug("closed")
```
A first-party class that keeps a task it starts (`asyncio.ensure_future(...)` on `self`)
and whose `__aexit__` awaits its own public release (`stop()`) is such a resource type even
when none of its methods closes an attribute: the task runs until that end (ydb's aio
`SessionPool`, held by the driver's `TableClient`, which the driver's `stop()` never
stopped).

An element the collection's owner does close, but that the method which made it takes out
again unreleased (`del self._tasks[room]`, `self._tasks.pop(room)` with its result dropped,
`self._clients.remove(client)`), typically when its setup fails, is left to nothing:
reported, unless the method releases it itself (acgnhiki/blrec `5d3f54b0`):
```python
async def add_task(self, room):
    task = Recorder(room)
    self._tasks[room] = task                 # reported: taken out unclosed below
    try:
        await task.setup()
    except Exception:
        del self._tasks[room]
        raise
```
So is one the method stores under a key whose old element it read first and left open (`old
= self._clients[key]`, then `self._clients[key] = ClientSession()`): the slot was full, and
the old one is dropped unreleased. An old element looked at in a condition (`if
self._clients[key].closed:`), released, taken out with `pop()` or handed on is not judged.
The element need not be of a known resource type: an owner that awaits a method ending the
whole object (`close`, `stop`, `shutdown`, `disconnect`, `destroy`...) on elements it takes
out of the collection (`for task in self._tasks.values(): await task.destroy()`, `await
self._bots.pop(key).stop()`) says that what its methods put there under a key, made by a
class call, must be ended by that method; only the losses above are reported for such an
element (acgnhiki/blrec `5d3f54b0`, whose `RecordTask` opens its sessions deep inside; the
same for a registry the module keeps, TRD201: EXG1O/Telegram-Bots-Hub `407d0901`). A
collection whose elements nothing ends that way says nothing of them, nor does it when the
element's class is the project's and that release ends no part of it (resets a field only).

A close that comes, on its method's way, after an `await` on the very resource it closes
(`await self.writer.drain()`, then `self.writer.close()`), with no `try` around either,
is skipped by the error that resource raises once it is broken (a reset connection), the
moment it most needs closing: reported, "close it in a `finally`" (jmccrohan/pysolarmanv5
`877cc808`); so is an own method awaited there that does (`await self.logout()` posting
through `self._session`) when the method that made it can fail after it, outside any `try`
(a failed login leaves what the logout needs unset: Gobot1234/steam.py `9297f798`). Such a close
in a test is not reported when its test case's `tearDown`/`asyncTearDown` closes the attribute with
nothing failing on the way: the teardown runs right after the failed test (not so a release method of
another class: between a failed `check_login()` and its owner's `stop()`, a reconnect may replace it). And for
one `__init__` makes (held before any start; not a type that holds nothing until a method of
its own opens it), a release that first dereferences what
`__init__` leaves `None` (`if self.ws.open:`), untested, fails on an instance that never
started: "test it first" (Rapptz/discord.py `5a2b8e2c`). An `await` of something else before
the close is not judged here, nor one in a branch before the close that always leaves the
method (ends in `return` or `raise`): it never runs on the way to that close; nor one whose
error is handled where it stands, in a `try` inside a loop before the close whose handler of
every error goes on (`for uuid in chars: try: await self.client.stop_notify(uuid) except
Exception: pass`) or under `with contextlib.suppress(Exception)` (session 70,
BobMcGlobus/ha-ninebot, aavdberg/ha-petkit; `except RequestError` lets other errors through):
```python
async def disconnect(self):
    self.writer.write(b"")
    await self.writer.drain()                # raises on a reset connection
    self.writer.close()                      # reported where `self.writer` is made

async def set_live(self, enable):
    if enable:
        await self._ws.send_str("hello")     # not on the way to the close below
        return True
    await self._ws.close()                   # not reported
```

A method that makes the attribute, then awaits its connect in a `try` whose only cleanup of
it is an `except Exception` handler that closes it, leaves it half-open on `self` when the
task is cancelled there (`CancelledError` is no `Exception`): reported, "catch
`BaseException` there" (not in tests or what a script runs).

An attribute the class's own release method (or `__aexit__`) closes with an awaited
`close()`/`aclose()` holds a resource, whatever made it: `self._conn = await connect(url)`
where `close()` awaits `self._conn.close()` is judged as a known resource kept on `self` is
(replaced unclosed by `reconnect()`, kept by an `__aenter__` that then fails: asked only where
something may enter the class with `async with`; a Home Assistant integration's own class that
the integration only starts and ends by hand never runs its `__aenter__`), although no
table or library source says what `connect()` returns. Not a store of what a maker given
nothing or a provider may share (`await Pool.instance()`), nor in a class or static method.

The class may release what it keeps through a coroutine of the project that releases what it
is given: `await close_redis(self.redis)` in `shutdown()`, where `close_redis(redis)` awaits
`redis.aclose()` (also when a package re-exports it), ends `self.redis` there (session 70,
IvanShankin/Autoshop-telegram-bot); a helper that only uses it does not.

A first-party object kept on `self` whose owner's only end of it is a call of its `async def`
release without `await` (`self.controller.close()` in a plain `def close()`) is never
released, whatever its class holds: reported at each store (a constructor, or a class method
making its own class), beside TRD205 at the call (OpenHands/OpenHands `a48b0220`). An awaited
release of it that a new store follows in the same method renews it and ends only the old
one; an awaited one elsewhere ends it, and one handed on (returned, passed, aliased) may be
ended by whoever gets it: neither is reported.

A close that never runs closes nothing: an owner's `entry.runtime_data.coordinator.api.close()`
without `await`, where the resource's close is a coroutine function ("its `close()` is never
awaited"), and a close inside an `async def` of the class that the project only ever calls
without `await` (`self.disconnect()` from `shutdown()` and every error path, never awaited nor
handed on anywhere, another class's `await scanner.disconnect()` aside): "`disconnect()`
closes it but is never awaited" (TRD205 reports each call and adds the `await`). A bare
`writer.close()` is no such call when `writer` is a part a class made itself (`writer =
self._writer`, filled only by `asyncio.open_connection(...)`): a stream's close, not the class's
own `async def close()`, which still runs where it is awaited. An
`__aexit__` runs only where an instance is entered: a class whose only close of the
attribute is its `__aexit__`, made by the project (bound to a name or a place, or dropped)
and never entered (no `async with` of the call or of the name it is bound to, no exit stack,
no class built from it), closes nothing: "only `__aexit__()` closes it, and no `async with`
enters a `Coordinator`" (an HA coordinator kept in `hass.data`); what such a class's
`__aenter__` makes is never made, and is not reported (tg_arbitrage's `EtherscanClient`: only
the session its `fetch()` makes lazily is). An instance returned or
handed on may be entered there: not reported; nor one a module binds at its top level
(`aggregator = Aggregator()`) that another module imports and enters (`async with
aggregator:`), where the class's name never appears. Nor does a framework enter what it ends by a
hook its base declares: a public `async def` named as a release that does nothing in a
first-party base (`async def shutdown(self):` and a docstring only), or, for a base
the project cannot read, one in which the project's other subclasses of it release an
attribute. When that hook (the class's override, or the base's empty one) never leads to
`__aexit__`, a close only there is none: "only `__aexit__()` closes it, and `shutdown()`,
which ends a `Plugin`, never leads there" (IBM/mcp-context-forge `d1e15b74`, whose manager
builds plugins from its configuration and awaits `plugin.shutdown()`). A release written
defensively, `client = getattr(self, "_client", None)` then `await client.aclose()`, closes
`self._client`. Python keeps the last definition of a name in a
class body: a close in an `async def close()` that a later `def close()` replaces never runs
("the `close()` that closes it is replaced by a later `close()`"), and a bare call of the
surviving sync one is no un-awaited release (SXP-Simon/astrbot_plugin_qq_group_daily_analysis
`c65d26b4`). A held first-party object whose own release leaves open what it opens is no
end either: its class closes a lazily opened session in one method (`image_report()`'s
`finally`) but a public method (`pdf_report()`) reaches the opening helper and no close, and
its `close()` does not close it: "`self.generator` holds a `self._session` that its `close()`
leaves open after `pdf_report()`" (a maker's local alike, TRD201).

A library's resource that opens on first use (an `httpx.AsyncClient`, an `AsyncExitStack`) kept on
`self` but never read by any method of the class or its bases holds nothing: not reported. Nor
is any lazy one its holder never opens: a library client whose only uses are synchronous calls
whose result is dropped or a test of it (`self.sio.on("connect")`), or a first-party class whose
acquisitions happen only in methods of its own (a session made by `_get_session()`, a server
made by `start()`) when no use reaches one of them (`self.listener.handle(reader, writer)`),
however the attribute is written (`self.listener: Listener = Listener(handler)` too), nor a
first-party class with no release of its own whose `__init__` makes only lazy library clients
when no use reaches a method that uses one (`self.api = Api(url)` whose only use is
`self.api.build(body)`; `await self.api.send(body)`, which posts through its `httpx.AsyncClient`,
opens it).
Entering it, iterating it, handing it on, an awaited call through a library client, and any
other spelling of `.<attr>` in the project that may reach it (through a holder, in a subclass)
open it.

An `async def __del__` never runs (Python drops the coroutine it returns): a private helper
that closes the attribute and is called only from such a `__del__` and from the object's own
use (`_disconnect()` after an update, to reconnect next time) is no end of its life; reached
from a public release (`close()`, `disconnect()`), `__aexit__` or `__exit__`, it is. An owner
that holds an instance typed as a base class (`agent: BaseAgent`, then `await
self.agent.vector_db.tear_down()`) closes what each subclass keeps there.

A close that only renews the attribute is no end of life: `await self.http.close()` followed,
on the same path of the same method, by `self.http = ClientSession()` closes the old session
and leaves the new one to some other method (when the class's own `__init__` sets the
attribute). Done in the release method itself (`close()`, `stop()`: "a new session in case
the connection is reopened"), the new one outlives the last call: it is reported there,
`self.{name}` made again after its close, and the lazy way is the cure (make it where it is
used, when it is closed or absent). A library type that acquires nothing until it is used (an
`AsyncExitStack` until something is entered, an `httpx.AsyncClient` until its first request)
is the exception: made again right after its close (`await self._stack.aclose(); self._stack =
AsyncExitStack()` in a reset that `close()` reaches), the new one holds nothing at the end, and
the next close ends what a later use puts in it. A method that tests the resource and then sets it to `None` without closing it
(`if self._client is not None: self._client = None` in a sync `close()`) drops it unclosed,
also when a lazy getter made it (a release through that getter closes it: `await
self.get_client().aclose()`, or `__aexit__(*exc)`, where `get_client()` is a plain method of the
class taking only `self` whose every `return` gives `self._client`, as through a property that
returns it); a method that sets it to `None` without looking at it
(`setUp()`, `reset()` before first use) drops nothing, unless a method a framework calls at
every interval (a coordinator's `_async_update_data()`) reaches both that method and the one
that makes it: a token refresh that sets `self._client = None` "to force recreation" drops the
client an earlier update made, session open, and the getter makes another. A session handed to a receiver that is
not shown to close it (a class of a package that is neither installed nor in the project,
a callable held in a local or loop variable, a logger of the project's own:
`_log.debug(self._session)`, any call whose code does not show that it keeps and closes
it) is still the class's to close; so is a library's client lent to an awaited function of the
project (`await pair_and_sync(client, device)` after `self._cached_client = client`: a config
flow that never disconnected its BLE client, eigger/hass-omron `434fe64d`), unless that
function closes it or hands it to a class of the project whose release closes it. An instance of the
class a function of the module builds and returns (`BotClass = _make_bot_class(self)`, whose
`class _Bot(botpy.Client)` it returns, then `self._client = BotClass()`) is an instance of
that library type (HKUDS/nanobot `b53c3d39`: `stop()` never closed it).

A framework subclass is ended by the framework's own teardown: a discord.py client or bot by
`close()` (a close only in `logout()`, which discord.py >= 1.5 no longer calls at shutdown,
does not count), a cog by `cog_unload()` (alike in the forks disnake and nextcord), an
interactions.py extension by `drop()`, which the message names. A close only in a bot
command or listener (`@commands.command()`) does not run at unload either. A Home Assistant
object whose resource is closed only by methods that only a stop listener reaches
(`hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, ...)`), in an integration that unloads
entries, is flagged too: the entry is unloaded and set up again on every reload, and each
reload leaks one.

A resource kept under a constant key of the object itself (`self["http_session"] =
ClientSession()` in an `aiohttp.web.Application` or `dict` subclass) is held as an attribute
is: some code must close that place, awaited (a method of the class, or any file of the
project: `await app["http_session"].close()` in an `on_cleanup` handler); a close whose
coroutine is dropped (`self["http_session"].close()` as a statement) closes nothing, and
TRD205 reports it. An `__aenter__` without a `try` that makes a resource (itself, or through
the methods it awaits on `self`: a lazy session made by the first request of `login()`) and
can fail after it (a later `await` or `raise` on the way, outside a `try` with a `finally` or
a handler of every error) leaves it open: `async with` runs `__aexit__` only once `__aenter__`
has returned. An `__aenter__` inherited from a first-party base runs the subclass's methods: a
base transport whose `__aenter__` awaits `self.connect()` leaves open the session a
subclass's `connect()` makes before a handshake that fails. Not when the one thing that can
fail after the creation is the new object's own start, its first use, and that start can fail
only before it acquires anything (`self._logic = Logic(); return await
self._logic.__aenter__()`, where `Logic.__aenter__` raises if already open, then makes its
session and returns): read as TRD201 reads an own start before a hand-off.

An instance of a first-party subclass of a library resource type (`class QLCWebsocketClient(
aiohttp.ClientSession)`) kept on `self` is a resource like its base, ended by the base's
release or a method of the lineage that calls it; a method of its own only named like a
release (`await self._client.disconnect()`, which closes the websocket it opened and not the
session) ends nothing (LedFx/LedFx `7aed5515`):
```python
class QLCWebsocketClient(aiohttp.ClientSession):
    async def disconnect(self):
        await self.websocket.close()

class Integration:
    async def connect(self):
        self._client = QLCWebsocketClient()   # reported

    async def disconnect(self):
        await self._client.disconnect()
```

Also flags one that the class's release method closes only on one outcome of an earlier step
of it: the close sits in an `if` testing what an awaited call of that method returned
(`logout = await self.client.logout()`, then `if isinstance(logout, LogoutResponse): await
self.client.close()`), and its `else` does not close it: when that step fails, the method
returns with the resource open (vranki/hemppa `0738e78e`). A guard on the resource itself
(`if self.client is not None`), on the instance's own state (`if self._owns_session`) or on a
parameter is not an outcome. A third-party class given text from the standard library
(`AsyncClient(os.getenv("MATRIX_SERVER"), user)`) is given nothing shared, so the project's
own release of it is evidence that it holds something.

Each acquisition is reported where it is made: an attribute stored in `__init__` and again
in a retry or reconnect path leaks at each store (gndean/home-assistant-hypervolt-charger
`44619fbd`), and the fix is offered at the first only. A resource a field's default factory
makes is the instance's, as if `__init__` stored it (`field(default_factory=ClientSession)`
of a dataclass, pydantic's `Field(default_factory=...)` and `PrivateAttr(default_factory=
lambda: Client())`, attrs' `factory=`/`Factory(...)`: browser-use/browser-use `5e644981`), with
no fix, since a caller may give its own. A chained store (`sio = self._sio =
socketio.AsyncClient()`) keeps it on `self` unless the function closes it through the local;
a copy into another attribute of the same object (`self._final = self._channel`) hands
nothing over: the class must close it through one of the two names (milvus-io/pymilvus
`b5a9626d`). A type released by its `__aexit__` alone is ended by the fix as an exit without
an exception, `await self.api.__aexit__(None, None, None)` (`__aexit__()` raises `TypeError`
where the exit takes its three arguments). What a method hands to an exit stack
(`await stack.enter_async_context(session)`) and keeps on `self` too is the stack's: the
attribute borrows it.
```python
@dataclass
class Feed:
    session: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)   # reported

    async def fetch(self, url):
        async with self.session.get(url) as response:
            return await response.text()
```

A child process kept on `self` (`self._proc = await asyncio.create_subprocess_exec(...)`) that
no code of the class (or a subclass, or a function of the module) kills, terminates, waits
for or hands on is reported: the owner's end leaves the child running with its pipes open.

A first-party class that keeps the transport of its event loop's connection maker
(`(transport, _) = await self.loop.create_datagram_endpoint(...)`, then `self.transport =
transport`) and closes it in its `stop()` is a resource type: whoever keeps an instance must
stop it (not one keeping a listening server: a program's core, run to its end by `start()`).
Its opening method failing (TRD201's `await monitor.async_start()` before the hand-off) leaves
nothing open when that method awaits one thing only, the opening it keeps on `self`, with nothing
made on `self` before it (what it makes after, a task, is never reached when that await fails);
the same opening awaited before a close in one method (`await self.ws.connect(url)` ...
`await self.ws.disconnect()`) is no use of what is open. A renewing method (`reconnect()`) that first calls a method of the class which
provably leaves the old value alone (only uses it, or hands it to a first-party class that
releases nothing it is given: `Disconnect(self.udp_client, ...)`) and then makes a new one
drops the old one open (XKNX/xknx `b93be2a2`); any other call first may end it, and is trusted.

A class that closes the attribute only in its own ends (`__aexit__`, a public `stop()`),
otherwise only where it makes it again (`refresh()`: disconnect, then connect anew), is read
from the other end of the hand-off chain: when every instance the project makes is kept (by a
holder that keeps it on `self`, a record, a display) in a framework's per-instance store
(`entry.runtime_data`, `hass.data[DOMAIN][entry.entry_id]`, `app[...]`) whose end of life
reaches no release of it, or in a module global that no code of the project ends (`global
_layer; _layer = DataLayer(url)` in a getter, its `cleanup()` called nowhere) (TRD201's
verdict on each instance), and no code of the project names
one of those ends outside the class (`await coordinator.client.stop()`) or enters an
instance (`async with`), no close ever runs: reported where the class makes it (iprak/sensi
`9ec66e57`). An instance given to an unknown callable is not proven kept: not judged. A
close that a `raise` of the same block follows at once (`await self.session.close()` then
`raise ConfigEntryNotReady(...)` in a coordinator's refresh) ends the resource on a failed
path only: the normal life still ends only at the class's ends. A class named as a type
argument (`class Entity(CoordinatorEntity[Coordinator])`) is named as an annotation is, not
built from (sHedC/homeassistant-mastertherm `9b0f2e6e`: the coordinator's `ClientSession`,
closed only by an `__aexit__` that nothing calls, the coordinator kept in `hass.data`).
```python
class Client:
    async def _connect(self):
        self._sio = socketio.AsyncClient()  # reported: `__aexit__()` never runs

    async def __aexit__(self, *exc):
        await self._disconnect()            # the only end; `_disconnect()` closes `self._sio`

async def async_setup_entry(hass, entry):
    client = Client()
    entry.runtime_data = Coordinator(hass, client)   # keeps it; the unload ends nothing
```

A flag that tells a live resource from a gone one, reset without the close (session 44): the
start method makes the resource and sets the flag (`self.running = True`), the release closes
it and clears the flag, and code that finds the flag clear runs the start again (or the start
returns at once while the flag is set, `if self._connected: return`, and is called somewhere:
session 46, a connection-loss handler that clears the flag and schedules the start). A third method
that clears the flag without closing the resource (a failed request) makes the next call store
a new one over the open one (HanaokaYuzu/Gemini-API `46433913`):

```python
class Client:
    async def init(self):
        self.client = httpx.AsyncClient()
        self.running = True

    async def close(self):
        await self.client.aclose()
        self.running = False

    async def ask(self, prompt):
        if not self.running:
            await self.init()
        response = await self.client.post(URL, data=prompt)
        if response.status_code != 200:
            self.running = False  # flagged: clears the flag, the client stays open
            raise APIError(response.status_code)
```

A generator context manager (`@asynccontextmanager`, `@contextmanager`) that opens a resource
on `self` for its block, itself or through an own method (`await self.open()`), and releases
it after the `yield` outside any `finally` (session 44): an error in the `async with` body is
raised at the `yield`, so the release never runs and the resource stays open on `self`
(ahopkins/mayim `6776fec3`). A `yield` inside a `try` or a `with` is not judged:

```python
class Pool:
    async def open(self):
        self._db = await aiosqlite.connect(self.path)

    async def close(self):
        await self._db.close()

    @asynccontextmanager
    async def connection(self):
        await self.open()   # flagged: an error in the block skips the close below
        yield self._db
        await self.close()
```

A method that runs again while the object lives and stores a new resource in `self.<slot>`
each time, without closing the one the slot holds (session 46): the class closes the slot at
its end, so only the last one is closed. It must be shown to run again: a repeating loop of
the class runs the store or calls the method, with nothing on the loop's turn reading the slot
(a reader that runs until the connection closes ends the old one); a framework calls it at
intervals (a Home Assistant coordinator's `_async_update_data` or `update_method`, a callback
given to `async_track_time_interval`, a discord.py `@tasks.loop`); or a method of the class
calls it twice on one path (a second `connect()` after a redirect), with no release between.
What it makes may be bound to a local first and stored, or wrapped (`self.conn =
Connection(sock)`): reported where it is made. Not reported when anything on the way to the
store looks at the slot (`if self.ws is not None: await self.ws.close()`, `if self.client and
self.client.is_connected: return`, a method called before it that reads it), when a flag the
method sets guards it (`if self._connected: return`), or when the method closes, drops or
hands on the slot after the store (a `finally`):

```python
class Coordinator(DataUpdateCoordinator[dict]):
    async def _async_update_data(self):      # every poll
        client = await establish_connection(BleakClient, self.device, self.address)
        ...
        self._client = client                 # flagged: the last poll's client stays connected

    async def async_shutdown(self):
        await self._client.disconnect()       # fix: `await self._disconnect()` first in the update
```

It also runs again in a retry (session 47): a loop runs it (or a method reaching it) in a `try`
whose handler goes on with the loop, and a step after the store can raise out of it, so the
failed turn leaves the new one open in the slot; or another class (of the module, or of a
project file naming the class) holding an instance calls it on that instance in a repeating
loop or such a retry, nothing else in the loop reaching the slot through the instance (a
connection handler reconnecting its controller):

```python
class Controller:
    async def start(self):
        self._connection = Connection(self._host)   # flagged: a failed start is retried over it
        await self._connection.connect()

class Handler:
    def __init__(self, controller: Controller):
        self._controller = controller

    async def _starter(self):
        while not self._stopped:
            try:
                await self._controller.start()       # fix: `await self.stop()` first in `start()`
                return
            except OSError:
                await asyncio.sleep(5)
```

A hand-off that is the attribute's only end counts only on the paths that reach it (session
62): the method that stores it hands it to an owner that ends it (a provider whose `close()`
closes it, added to a registry the class closes), and no method of the class closes it itself,
but a `return` or `raise` of that method between the store and the hand-off leaves it on
`self` (the principle of a local's hand-off, `exit_before_handoff`, for the class's
attribute). Not reported when the class closes it too, when the hand-off is in another method,
when the exit is in another branch than the store or under a test of the attribute itself
(`if self._manager is None: return`), or when it ends the process (`raise SystemExit`):

```python
class Runtime:
    async def init_tools(self):
        self._manager = await Manager.from_config(self._config)   # flagged
        if not self._manager.tools():
            return                            # fix: `await self._manager.close()` first
        self._registry.add(ManagerProvider(self._manager))      # its close() closes the manager

    async def stop(self):
        await self._registry.close()
        self._manager = None
```

""" + BORROWED + """## Why is this bad?
The object outlives the call that made the session, so only the class can close it. If its
`shutdown()`/`close()` forgets, every instance leaks a session ("Unclosed client session").

## Example
```python
import aiohttp

class ContextService:
    async def startup(self):
        self._client_session = aiohttp.ClientSession()

    async def shutdown(self):
        pass

class Coordinator:                       # Home Assistant
    def __init__(self, hass):
        self._session = aiohttp.ClientSession()   # closed only at stop, not on unload

    async def async_close(self):
        await self._session.close()

async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass)
    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, lambda e: coordinator.async_close())

class News(commands.Cog):
    def __init__(self, bot):
        self.http = None

    async def startup(self):
        if self.http:
            await self.http.close()          # renews: the last session is never closed
        self.http = aiohttp.ClientSession()
```

## Use instead
```python
import aiohttp

class ContextService:
    async def startup(self):
        self._client_session = aiohttp.ClientSession()

    async def shutdown(self):
        if self._client_session:
            await self._client_session.close()

async def async_unload_entry(hass, entry):
    await entry.runtime_data.async_close()   # also on unload

class News(commands.Cog):
    ...

    async def cog_unload(self):
        if self.http:
            await self.http.close()
```

## Fix safety
Safe when the class has a shutdown-like method: the close is added there, guarded. When
`__init__` sets the attribute, by `if self.session is not None:`; else by
`if (session := getattr(self, "session", None)) is not None:` then `await session.close()`
(a `close()` may run before the method that sets it), whose local a type checker narrows
where the class declares `session: ClientSession | None` (a project supporting Python 3.7
binds it on a line of its own: `session = getattr(...)`). A method the class names as its
end (`close()`, `__aexit__`, a configured shutdown name, a framework's teardown) is one; a
method found only because it releases something the class acquires (`finish()`) is one only
when proven the end of the object's life (its `__aexit__` or a framework teardown reaches
it, or every caller in the project drops the object after it). Otherwise the message asks
for a `close()` and the help says why there is no fix: lnbits's `connect()`, an
`@asynccontextmanager` entered by every query, releases the lock it took in its `finally`
and is no end of a `Database`.

"""
