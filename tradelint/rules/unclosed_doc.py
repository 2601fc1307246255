"""The documentation of TRD201 (``tradelint rule TRD201``, docs/rules.md): the shapes of an async
resource never reliably closed, each with an example. Kept apart from the rule's code
(:mod:`tradelint.rules.unclosed_async_resource`), which sets it as the rule class's docstring."""

from tradelint.rules.borrowed_doc import BORROWED, CLIENT_VIEWS, CONNECTIONS, EARLIER_READS
from tradelint.rules.error_path_doc import ERROR_PATHS, HANDLER_CLOSES
from tradelint.rules.factory_doc import FACTORIES
from tradelint.rules.holder_doc import HOLDERS
from tradelint.rules.library_maker_doc import LIBRARY_MAKERS
from tradelint.rules.lifecycle_doc import LIFECYCLES
from tradelint.rules.local_collections_doc import LOCAL_COLLECTIONS
from tradelint.rules.response_doc import RESPONSES
from tradelint.rules.stand_ins_doc import OPENED_BY, STAND_INS

DOC = """## What it does
Flags an async resource (`aiohttp.ClientSession`, `httpx.AsyncClient`, a ccxt async exchange,
a `redis.asyncio` client, an `asyncpg` pool, an asyncio stream's writer, or one configured in
`resources`) created in a
function and not reliably closed: never closed, closed only outside `finally`, or created
inline where nothing can close it; replaced by a new one before it is used or closed; handed
to a first-party class that never closes it; replaced by a new value without being closed;
closed in `finally` but left behind by a `return` or `raise` before the `try`, or by an
`await` there (an error or a cancellation of it skips the `try`; for a client that opens on
first use, an `await` after a first use of it); lost by an `await` between its creation and
the statement that keeps it (`self._session = session`, `holder.api = Api(session)`; for a
local bound once to the object built from it, `device = Device(session)`, the first later
`return device` or store of that local, not the construction: an error before it drops the
local and the resource with it, unless a `try` around it closes either, and so does a `return`
or `raise` before it that neither names the local nor follows `await device.close()` or a
close of the resource), whose
error or cancellation propagates before anything holds it, where the program goes on after
errors (not in a test, a script's `main()` or a function only they or a startup handler call),
and unless a `try` around that `await` closes it (a `return` of it alike: its caller gets the
error, not the resource; a handler of some errors only, `except asyncio.TimeoutError`, leaves
the others; for a client that opens on first use, from that first use on, which is itself such
an `await`: a call of one of its methods, `await connection.connect()`, a call it is lent to, `await resolve(fs, uri)`, or a method of what it
was lent to, `api = Api(client); await api.login()`, may open what it holds and then fail, mosquito/aiormq `dc4efec6`, meridianlabs-ai/inspect_scout `4acfaba4`; not the first-party object's own opening method when its every `await` and `raise` runs in a
`try` that releases on every error, `await conn.connect()` whose `except BaseException:` awaits `self.disconnect()` and re-raises: failing, it leaves nothing open); kept where Home Assistant holds it by an integration's setup that raises after (`raise ConfigEntryNotReady`) without
closing it (a failed setup is never unloaded); a module global
(`global SESSION; SESSION = ClientSession()`) that no code of the module closes, or a method stores on its class (`Service.modem = Modem(...)`, `cls._s = ClientSession()` in a classmethod) and no file closes (`<...>.modem.close()`) nor the module hands on; a resource a
closure caches in a `nonlocal` that no code of the enclosing function closes (the enclosing
frame keeps it for every call of the closure; a closure returning it lends it). First-party classes that acquire a resource and release it in their own method
(`close()`, `stop_monitoring()`...; not a call given what to act on,
`client.close_pull_request(number)`, a request named like a release) are resources too, also when an async
factory class method makes them (`await Provider.open()`); a module-private class (`_CvApi`) is a class
alike, and so is a class holding a library object that its own release releases (`self._sdk =
DashboardAPI(...)` and `await self._sdk.aclose()` in `close()`, the library not installed), and so is a
class that keeps resources as the elements of a collection of its own and ends each in its teardown
(`self._clients[host] = client`, `client = Client(host)`; `for client in self._clients.values(): await
client.close()` in `shutdown()`, or `await asyncio.gather(*(c.close() for c in self._clients))`): nothing
else reaches the elements. A class
with no release of its own that is ended by releasing a part it made and keeps where its users reach it
is closed by that part's release (issue 28): aiogram 3's `Bot`, whose `__aexit__` closes the
`self.session` its `__init__` made, by `await bot.session.close()` in a `finally` or by `async with
Bot(...) as bot` (as `aiogram.client.bot.Bot`: `aiogram.Bot` names aiogram 2's `Bot` too, closed by
`close()`, and is left out); google-genai's `Client`, whose `aio` property gives the async client holding its
HTTP transports, by `await client.aio.aclose()` (no `async with`: it has no `__aexit__`). Its own
`close()` is no close there (`Bot.close()` is a Telegram API call, `Client.close()` closes the sync
transports only), and the part's close called without `await` closes nothing (TRD205). A
first-party class ended by its `__aexit__` alone is closed alike by the release of the part that exit closes
(`await api.session.close()`), and one whose release does nothing else than release one part (`close()` is
`if self.http: await self.http.close()`, log lines aside) by that part's release, on an instance whose class the code proves (`await tr.http.close()`). A module bound through a project function that imports and returns it (`aiohttp = _import_aiohttp()`) is that module. A
public method of such a class that releases what it acquires (`get_rank_data()` closing the session after
its last request) ends an instance when called, as `close()` does. An object of the project made in a
function whose release is called there without `await` (`playground.close()`, an `async def`, in the
`finally`; made by a class method returning `cls(...)`, `transport = await Transport.connect(...)`,
ethereum/trinity `cb49f383`) is reported where it is made: the call only creates a coroutine (TRD205 adds
the `await`). So is a value bound once to what a call returns and handed, as a statement without `await`,
to a first-party `async def` release that releases that parameter (`s, version = await
BoltSocket.connect(host)`, then `BoltSocket.close_socket(s)` before a `raise`): nothing closes it. A
session handed to a first-party coroutine (`create_task(worker(session))`) is borrowed: the caller still
closes it (a lookup by name there, `getattr(client, "get_services", None)` or `hasattr`, reads an attribute
as `client.get_services` does and keeps nothing; `getattr(client, "close")` is the release, where called); so is one an awaited coroutine method of the caller's own class only calls through (`await self.get_user(url, reddit)`, its code, and that of the methods it lends it to in turn, neither keeping, returning, handing on nor closing it: CyberDropDownloader `1f6d28f3`). So is one given to a function whose code cannot be read (`register(session)` from a package
neither installed nor in the project): nothing proves it takes the session over; no `async with` fix is
offered, since it may keep the session past the block. An awaited library function given a resource class
as its first argument makes an instance of that class, already open (Home Assistant's Bluetooth
integrations connect so; ha-govee-led-ble `f2c849ce`), and a first-party function or method returning what
it makes is a maker too:
```python
async def send(device, payload):
    client = await establish_connection(BleakClient, device, "lamp")   # reported
    await client.write_gatt_char(CHAR, payload)
```
So is a method of a factory object whose first-party class is proven (a parameter's
annotation or default, a local's constructor, an attribute of `self`) when every `return` of
it makes a resource (`db = factory.create_vector_db(config)`, `return PineconeDB(config)`),
unless it also keeps or registers what it returns, or gives it its own state (a view of
the factory's pool). A class given to a constructor (`Registry(BleakClient)`) or to a first-party function
(judged by its own code) makes nothing.

""" + FACTORIES + """A close with nothing before it that can raise, leave or suspend (no call, `await` or exit
between the creation and the close: a probe that only connects; not a close under an `if`
or a loop the creation is not in, `if not url: await session.close(); return`, which the other
way skips) is reliable without
`finally`; so is one after a `try` between the creation and the close whose handler catches
everything (`except:`, `except BaseException:`) and neither raises nor leaves: what fails in
its body, even a cancellation, goes on to the close (a config flow's probe: `writer.write(ping);
await writer.drain()` under `except: error = "write_error"`, then `writer.close()`; with `except
Exception:` a cancellation still skips the close, and it is reported), as is a close by a callee whose first statement it is (`await
close_writer(writer)`), or looked up over literal release names, here or in that callee (`for name in ("aclose", "close"): closer = getattr(client, name, None)` then `await closer()`; not over `("flush", "close")` or a name not literal). A client of the project that opens on first use and is given, where
it would otherwise make its own, an object another function provides
(`ApiClient(session=get_shared_session())`: `__init__` stores it in the attribute its getter
fills only when empty) borrows it, makes nothing and is not judged; given one made for it
(`ApiClient(session=ClientSession())`), it may own it and is. A class that hands such a parameter, unchanged, to the constructor of a part it keeps (`self.transport = Transport(host, session=session)`,
the part borrowing it so) borrows it too: `Device(host, session=shared)` makes nothing, `Device(host)` is judged. A `redis.asyncio.Redis(connection_pool=POOL)` borrows a pool it did not make for itself (a
parameter, an attribute, a module's); one made for it is its to end. And a client left by a `raise` or `return`
before any method of it was awaited holds nothing yet (a cog whose session `cog_load()`
makes, abandoned before it is added).

asyncio's streams are resources: the writer of `reader, writer = await
asyncio.open_connection(host, port)` (or `open_unix_connection`, also through
`asyncio.wait_for`, and through a local bound to the call) owns the socket and is closed by
its plain `close()` (`await writer.wait_closed()` only waits for it). A class that keeps one
on `self` and closes it in its own method is a resource type, as for any library resource
(XiaomiGateway3's `TelnetShell`, `81e6d664`). A stream returned or handed on whole is not
judged, and no `async with` fix is offered (a tuple's element cannot be entered):
```python
async def status(host):
    reader, writer = await asyncio.open_connection(host, 23)   # reported
    writer.write(b"status")
    return await reader.readline()
```

Any resource opened under a timeout is the resource itself: `asyncio.wait_for(maker(...), t)`
(or `asyncio.shield(maker(...))`; by keyword, each wrapper's own: `fut=`, `arg=`), awaited, awaits the maker and returns what it makes, as
`await maker(...)` does, and it is judged alike (Offline-Protocol/offline-protocol-sdk
`0e06ce6e`'s `self._ws`), also where a first-party function returns it so. No `async with` fix
is offered there (the wrapper's result cannot be entered as it is written):
```python
async def send(url, payload):
    ws = await asyncio.wait_for(websockets.connect(url), timeout=10)   # reported
    await ws.send(payload)
```

So is one made off the loop by a call that runs its maker and gives back what it returns:
`await asyncio.to_thread(maker, *args, **kwargs)`, `await loop.run_in_executor(executor, maker,
*args)` on a receiver that is an event loop (as below), `await hass.async_add_executor_job(maker,
*args)` on Home Assistant's core (`hass`, `self.hass`), the maker also wrapped in
`functools.partial(maker, ...)`, and `functools.partial(maker, ...)(...)` itself. The maker is a
resource class, a library's maker, a first-party function that returns a new one on every path,
or a method of the class that does; judged as a direct call of it is (also where a first-party
function returns the wrapper's result). Not a coroutine function run in a thread (that gives back
a coroutine, not what it makes), nor the same method name on any other receiver:
```python
async def async_setup_entry(hass, entry):
    client = await hass.async_add_executor_job(make_client, entry.data["host"])   # reported
    await client.login()
```

Kept from import to exit (a class attribute, `POOL = BlockingConnectionPool(...)`, or a global of a
module that ends no application itself) in a project that ends an application (a lifespan, a
shutdown handler, `on_cleanup`), closed by no file of it: reported (edraj/dmart `4037ae40`); not a
lazy one its module never reads. `reader, writer = await open_unix_connection(p)` handed to
`cls(reader, writer)` in a class method makes a holder of the writer (ethereum/lahja `c3dc16d0`).

""" + RESPONSES + """So is the transport of an event loop's connection makers (`transport, protocol = await
loop.create_connection(...)`, `create_datagram_endpoint`, `create_unix_connection`), when the
receiver is an event loop by what the code says of it (`asyncio.get_running_loop()`, a local
bound to it, a parameter annotated `AbstractEventLoop`, a value named `loop` or `..._loop`;
never a module's function of the same name); one unpacked into `_`, or handed to a protocol
the function already holds (`lambda: connection`), is left to the protocol that was given it,
unless the protocol's own code shows it never closes it: a class of the project (the factory
names it: a class, `lambda: Proto(...)`, `functools.partial(Proto)`, a parameter whose default
is one) whose lineage is all readable (the project's classes and asyncio's protocol bases),
whose `connection_made` keeps the transport on `self`, and no method of which calls `close()`
or `abort()` on it (aiortc/aioice `1c305f65`: the allocation fails and the socket stays open):
```python
async def open_relay(host):
    loop = asyncio.get_running_loop()
    _, relay = await loop.create_connection(lambda: Relay(), host, 3478)   # reported
    await relay.allocate()
    return relay
```
A listening server is one too: what `asyncio.start_server()`, `asyncio.start_unix_server()`,
`loop.create_server()` and `loop.create_unix_server()` give when awaited, closed by its plain
`close()`; and aiohttp's `web.AppRunner` from its `setup()` to its `cleanup()` (handing it to
`web.TCPSite` or `web.SockSite` does not hand it over: their code keeps the runner and never
cleans it up). Neither is entered by an `async with` fix:
```python
async def serve(app, sock):
    runner = web.AppRunner(app)            # reported: nothing cleans it up when cancelled
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await asyncio.Event().wait()
```
""" + OPENED_BY + """
A child process is one whose end is its exit: `proc = await asyncio.create_subprocess_exec(...)`
(or `create_subprocess_shell`) runs on until it exits or is killed. A function that awaits its
end (`communicate()`, `wait()`) must end it on the ways out before: a timeout around the end or
a read of its pipes (`asyncio.wait_for`, `async with asyncio.timeout()`) cancels the wait, not
the child (uber/ADR `5f5a74ad`); a `return` or `raise` before the end; and a cancellation where
the class cancels the task the function runs in and the function kills it on another exit
(avibe-bot/avibe `0baed63a`). A cancellation alone is not reported (a short command awaited to
its end is the common way), nor a process never awaited (a launch), returned or stored. A
`kill()`, `terminate()`, `os.killpg` of its `pid`, a call given it or an awaited end in the
handler or a `finally` (`if proc.returncode is None: proc.kill()`) ends it. No fix:
```python
async def run(cmd):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=PIPE)   # reported
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    except asyncio.TimeoutError:
        return None                  # the child runs on: `proc.kill(); await proc.wait()`
    return out
```

A resource that opens only on first use (`httpx.AsyncClient`, a first-party class whose
session a getter makes) opens nothing until used: kept by an object that nothing shows
closes it (a first-party class that stores it and never releases it, `Worker(broker=broker)`;
a class neither installed nor in the project; an installed one whose source keeps it), it is
lent for that object's life, used there, and still its creator's to close (tnoff/discord-bot
`849a5ebb`). A first-party type known by its `__aexit__` alone is not judged so: it may only
wrap what it is given. A call reached through the client whose result is kept in a local and
entered, iterated or awaited later uses it, as the same call entered directly does (`stream =
client.messages.stream(...)`, then `async with stream`: handochan/aelix-ai `ce956ec0`), as does one
entered by hand (`await asyncio.wait_for(ctx.__aenter__(), 10)`, `ctx` a local or on `self`). A client
released through a private part all sub-clients share (a generated SDK's `_client_wrapper...aclose()`)
is used by a coroutine function that hands such a result on (`return Audio.from_response(client.tts.stream(text))`),
and that release written through `getattr` steps and locals is its release. A first-party lazy one whose uses reach none of the methods that acquire (`feed.describe()`) holds nothing, nor one handed on (`Panel(hub)`; not returned, nor given to a module of the project that cannot be read) when no code of the project can call such a method on it: every `<x>.start` spelled has for receiver `self`, a local made there by a constructor, an element of a private list filled with constructions, or an attribute nothing stores at. The result of a method returning its own instance (`-> Self`, `return self`) is the object: `store[k] = await entry.setup()` keeps it as `store[k] = entry` would. A first-party class whose `__init__` makes only lazy library clients (`self._http = httpx.AsyncClient()`) is opened by the methods that use them (`await self._http.post(...)`) and by those reaching such a method: `oai = Client(key); oai._convert_messages(conv)` holds nothing when the class has no release of its own (haileyok/victrola `test_images.py`; one with a release is a resource type, held from its construction, but in a test only from a use that reaches a method opening it: a test that reads it, or replaced the method that would make the request, opens nothing); a request through it (`await oai.complete(...)`), its client reached or entered (`oai._http`), lending it to an awaited call, a class whose `__init__` already uses the client or starts a task open it.

""" + CLIENT_VIEWS + CONNECTIONS + EARLIER_READS + """An SQLAlchemy engine made on a `NullPool` (`create_async_engine(url, poolclass=NullPool)`, or
an `AsyncEngine` wrapping `create_engine(url, poolclass=pool.NullPool)`, alembic's `env.py`)
keeps no connection between uses, and its `dispose()` frees nothing: not reported, nor when
kept on `self` (TRD202) or by a class an instance of which is made (bomzheg/Shvatka).

""" + BORROWED + """Ownership moves only where the receiver is shown to close what it gets: a first-party class
that stores it and releases that attribute, or an installed library whose source (read as
text, never imported) does, under a flag only when the flag says so (aiohttp's
`ClientSession(connector=c, connector_owner=False)` leaves `c` with the caller; a pool made
for `redis.asyncio.Redis(connection_pool=pool)` stays the caller's, since the client's
`aclose()` leaves a pool it was given open, unless the client is made with
`auto_close_connection_pool=True` or released with `aclose(close_connection_pool=True)`:
django/channels_redis `77a301f3`). A method's hand-off is read the same way: `api.set_session(session)`,
whose method stores it (`self._session = session`, `self._sessions[key] = session`,
`.append(session)`) on an object of a class proven from the caller (a constructor, an
annotation, an attribute the class stores), leaves it with the caller when no class of that
family, bases and subclasses alike, releases the attribute or lets it out (every read of it
only calls through it, looks at an attribute of it or tests it): "never closed" for a local
object, "lives on in" the object when it outlives the function (`self.api`, a parameter, a
module global), with no `async with` fix, which would close what the object still uses; one whose
family ends that attribute in a release method (`close()` awaiting `self._session.close()`, or
closing each of `self._sessions` in a loop) takes it over (`self.bot.add_session(self.http)`,
FRCDiscord/Dozer). Also flagged:
each instance made in a function of a first-party class that opens a resource in `__init__`
and has no method that closes it (`fetcher = StreamFetcher()` handed to an object that never
closes it either), and resources kept in a module-level cache (`SESSIONS[key] =
ClientSession()`) whose elements no code of the module reaches to close. A resource put under
a key of a collection the module makes or imports (a registry `bots[key] = bot`, with `bots`
made at top level here or imported from the project's storage module) belongs to that
collection; the function that put it there and then takes it out again unclosed (`del
bots[key]` when its start fails), or that stores it over an old one it read from the same key
and left open (`old = bots[key]` ... `bots[key] = Bot(old.token)`: a restart that never
stopped the running bot, EXG1O/Telegram-Bots-Hub `407d0901`), leaks it; an old one looked at
in a condition (`if bots[key].closed:`), released or handed on is not judged. A first-party
class that releases a part of an object it holds (`stop()` awaiting
`self.api.session.close()`, where the project's `API` keeps a `ClientSession` but has no
release of its own) owns that part, and is a resource released by that method. And a resource a web
application's startup handler keeps on an object the framework holds (`app.state.session`,
`app["session"]`, another module's global) that no file of the project closes (in a shutdown
handler, `on_cleanup`, or after a lifespan's `yield`; the close may read the place into a local first: `svc: Service = app["svc"]`, `svc = app.get("svc")` or `getattr(app.state, "svc", None)`, then `await svc.close()`). A startup is any hook an application
runs once as it starts: FastAPI's and Starlette's (`on_event("startup")`, `on_startup=[f]`,
a lifespan), aiohttp's `on_startup`/`cleanup_ctx`, Quart's `@app.before_serving`, Sanic's
`before_server_start` (decorator or listener), aiogram's `@dp.startup()`,
`dp.startup.register(f)` and `start_polling(dp, on_startup=f)`, python-telegram-bot's
`Application.builder().post_init(f)`:
```python
@app.before_serving
async def startup():
    app.session = aiohttp.ClientSession()   # reported: no `after_serving` closes it
```

A module that ends an application it builds (a lifespan, `FastAPI(lifespan=...)`, a shutdown
handler, `on_event("shutdown")`, `on_shutdown=[...]`, aiohttp's `on_cleanup`, `on_shutdown`,
`cleanup_ctx`) says when what lives with it ends: a library resource bound to a module
global at import (`client = httpx.AsyncClient()`) that no code of the module closes outlives
the application (e2b-dev/code-interpreter `ecc61872`). A module that ends no application is
not judged so (its globals end with the process), nor is an object of the project's own class
(it may be ended by releasing what it holds):
`client = httpx.AsyncClient()` beside `app = FastAPI(lifespan=lifespan)` whose lifespan
closes only a kernel is reported.

A first-party class derived from a library resource type (`class QLCWebsocketClient(
aiohttp.ClientSession)`) is that resource: an instance is released by the base's release
(`close()`) or by a method of the lineage that calls it, not by a method of its own that is
only named like one (`disconnect()` closing the websocket it opened leaves the session
open; LedFx/LedFx `7aed5515`).

A receiver that takes over what it is given must be closed in turn: a first-party class that
keeps a parameter and releases it in its own release method (`Wrapper(session)` whose
`close()` closes `self.session`), handed a resource made for it (`Wrapper(ClientSession())`,
or a local bound once to one), is a resource; handed one it is lent, it is not judged. A
parameter its base keeps is kept alike (no `__init__` of its own, or `super().__init__(
transport=transport)`: python-kasa's protocols), and a call of the kept part named with a
release word and a word of its own and given what it acts on (`self.client.stop_notify(char)`)
releases that, not the part: a class whose only such call is that takes nothing over. A
client class that makes its own resource only when given none (`self._session = session or
ClientSession()`, `ClientSession() if session is None else session`, or `if session is None:
session = ClientSession()` before storing it) and closes it is a resource when made without
one (`api = DomApi(host)` in a config flow), and borrows what it is given
(`DomApi(host, async_get_clientsession(hass))`):
```python
class DomApi:
    def __init__(self, host, session=None):
        self._session = session or aiohttp.ClientSession()

    async def close(self):
        await self._session.close()

async def validate(host):
    api = DomApi(host)   # reported: never closed
    return await api.login()
```
A lazy client whose awaited call a test expects to fail (`with pytest.raises(ValueError)`),
with an error the method raises before it awaits or calls anything of its own, opened
nothing.

""" + STAND_INS + """
What is not proven to close a resource leaves it with its creator: a class of a package that
is neither installed nor in the project (`VendorClient(session=session)`), a callable held in
a parameter, a local or a loop variable (`factory(session=session)`), a hand-off on one
branch only (`connector = TCPConnector(); s = client or ClientSession(connector=connector)`:
when a client is given, the connector is never closed). A class instance lent inline to an
awaited call (`await api.get_image(ClientSession())`) is borrowed, as a named one is, and
nothing can close it afterwards. A local put in a module-level collection
(`client = AsyncClient(); _CLIENTS["k"] = client; return client`) belongs to that cache,
which some code of the module must close. Logging a resource (`_LOGGER.debug("%s", client)`,
a module-level `logging.getLogger(...)`, `print`) hands nothing on. A resource given to a
first-party coroutine that closes its parameter (a module-level `async def`, or a method of
the class called on `self`) is closed where that coroutine closes it: in its `finally`, the
caller is clean; as its last statement, an error before it leaves the resource open, and the
caller is reported as for a close outside `finally` here (FaserF/ha-openwrt `73cf89bc`):
```python
async def probe(session):
    await session.get(url)
    await session.close()

async def check():
    session = ClientSession()   # reported: closed by `probe`, outside `finally`
    await probe(session)
```
A call of a first-party function (of this module or
an imported one, also named through its module: `redis = prerequisites.get_redis()`) that returns a new resource on every path (`def make_session(): return
ClientSession(...)`) creates one, also when it returns other first-party classes on other
paths that hold nothing but have the same release method (the caller must call it anyway),
and so does a method of the class called on `self` (`redis = await self.get_redis(crawl_id)`),
or one that returns a local bound to a new resource, and `None` on an error path (then no
`async with` fix is offered: the `with` could not take `None`).

In a Home Assistant integration that can be unloaded, a resource that `async_setup_entry`
keeps on an object Home Assistant holds (`hass.data[DOMAIN][entry.entry_id] = client`,
`entry.runtime_data = client`) lives until the unload, and is reported when nothing the
unload reaches (followed by name) mentions a release of its name (`close`, `aclose`). A
resource kept as a part of what is kept is kept alike: a value of a dict display, an element
of a list, tuple or set display, or a field given to a first-party *record* (a dataclass,
attrs class or `NamedTuple` with no `__init__` of its own and no release method, so nothing
closes its fields but whoever ends the record):
```python
async def async_setup_entry(hass, entry):
    machine = await Machine.create(host)
    hass.data[DOMAIN][entry.entry_id] = {"machine": machine}    # reported (unload closes nothing)
    entry.runtime_data = RuntimeData(ClientSession(), coordinator)   # reported alike
```
An unload that closes them (`await entry.runtime_data.session.close()`) is clean; a class
with a `close()` of its own is an owner, judged by what its `close()` releases. A module-level
coroutine that `async_setup_entry` awaits with its own `hass` or `entry` keeps what it stores
there as the setup does (`await _setup_clients(hass, config)` writing
`hass.data[DOMAIN][account]["client"] = client`); a close that only Home Assistant's stop
listener runs is not at unload (BottlecapDave/HomeAssistant-OctopusEnergy `e56e62d3`).

An owner that takes over what it is given (a coordinator whose `stop()` closes the device or
client handed to it) is a resource when it is given one made for it, also of a class whose code
cannot be read because it is picked at run time (a plugin module's class): its own release
says what it holds must end. Kept by a setup or startup hook where the framework keeps it for the entry's or the
application's life (`entry.runtime_data`, `hass.data[...]`, `app.state.x`, `app["x"]`), it is
judged as a resource kept there: the paired end must release it, and an `await` of the setup
before it is kept (the first refresh) leaks it when it raises, since Home Assistant unloads
only an entry that set up (patman15/BMS_BLE-HA `dbe7565e`). A coordinator made in the setup
whose own `async_shutdown()` reaches the release needs none from its maker: its config entry
runs it at unload and when the setup fails.
```python
async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass, plugin.BMS(device))   # reported: the refresh may raise
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
```

A resource made as the fallback of a lookup (`kwargs.get("session", ClientSession())`, a
mapping's `pop` or `setdefault`, `getattr(obj, name, X())`, `next(iterator, X())`) is made on
every call, since an argument is evaluated before the call: when the lookup finds what it looks
for, the new one is dropped unclosed (zxdavb/evohome-async `023b7991`). `kwargs.get("session")
or ClientSession()` makes it only when missing, and is judged as any fallback is. A type that
holds nothing until a method of its own opens it (a first-party client connecting in
`connect()`, or a holder of one) is not reported so: the dropped one was never opened.

""" + LOCAL_COLLECTIONS + LIFECYCLES + ERROR_PATHS + """A value the function closes itself (or, made by a call of its class, ends whole by an awaited
release given nothing: `await ssh_client.disconnect()`, `stop()`) is owned by it, whatever made it:
`await page.close()` after `page = await context.new_page()` (a library object's maker that nothing
types), or `await page_info.page.close()` after `page_info = await self._get_page()`. Every other
exit must end it too, or it leaks (FaserF/ha-openwrt `73cf89bc`: an SSH client disconnected on
success only, its `except` going on with it open):
```python
page_info = await self._get_page()         # reported: the `raise` leaves it open
try:
    response = await page_info.page.goto(url)
    await page_info.page.close()
    return response
except Exception:
    page_info.mark_error()
    raise

client = await make_client(url)            # reported: the `return` leaves it open
if not await client.ping():
    return None
await client.aclose()
```
An `await` between the value and its close leaves it open on its error too, where the program goes on
after the function fails (not in a test nor a script's `main()`, nor before a generator's first
`yield`: a lifespan's start-up), unless a `try` around it closes the value or goes on; only for a
value made by a class or a function of its own, not by a method of another object (`cur = await
conn.execute(...)`), and ended by `close()`/`aclose()`. Only a local bound once from a call, only
awaited releases given nothing; not where a `finally` closes it, where it is returned, stored, kept in
a container or entered, where the exit tests the value itself (`if client is None: return`), or where
the handler or the branch calls a release (`await self.reset()`) or gives the value to a call. Nor where that release of its first-party class only forgets in-memory state (a `close()` that clears a cache dict). An `except` is reached with the value open only by an error of an `await` before the close: not of one after a close that the `try` body runs unconditionally (`await client.stop()` then `await asyncio.wait_for(task, 5)`: the error finds it closed), nor of a pause (`await asyncio.sleep(30)`), whose only error, the cancellation, `except Exception` does not catch (a bare `except`, `BaseException` or `CancelledError` does).

Class and static methods make what they return, as module-level factories do:
`pool = await Database.create_pool(dsn)` (a library resource), `client = await
Client.open(url)` where `open()` gives `cls(session)` a session it made and the class closes
`self.session` in `close()` (the instance is a resource, released by `close()`), or either of
two such methods' results (`return Auth.login(k) if k else Plain.from_url(u)`). When the
class keeps the session and no method of it closes it, the instance holds it: the maker must
close `api.session` itself, on every path. A method that returns a cached instance
(`cls._shared`), a parameter or an attribute on some path makes nothing. A resource handed
to `cls(...)` in a class method is judged by the class's code, as a call of the class is.

An exchange picked by name from ccxt's async modules (`getattr(ccxt, exchange_id)(config)`,
or `exchange_class = getattr(ccxt, exchange_id)` then `exchange_class(config)`) is made as
`ccxt.binance(config)` is: whichever the name picks, it must be closed.

Library classes are resources when their own code says so, read from their source by
`scripts/make_resource_table.py` and shipped with tradelint (`packs/library_resources.json`,
3,933 names of 1,054 libraries read from the 114 hand-picked wheels, every requirement Home
Assistant's integrations pin, and every PyPI project named `aio...`/`...async...`), so they are
known where the library is not installed: a class that keeps a known resource and releases it (`disnake.Client`),
whose `__aexit__` always calls one release method (`openai.AsyncOpenAI`: `close()`, `aiokafka.AIOKafkaProducer`:
`stop()`), that derives from one, or a function that returns a new one; one its methods' decorator stores on the
instance (matrix-nio's `AsyncClient`), by every name a package re-exports, through a private package too
(`azure.identity.aio.CertificateCredential`); an object `__aenter__` hands out after binding an attribute of it to
the manager's exit (`playwright.stop = self.__aexit__`), made by a manager's method entering it by hand (`await
async_playwright().start()`, on a receiver a library function the table records returns: Gerapy/GerapyPlaywright
`d8c2f5c2`); a class whose `__del__` ends what it holds and whose release coroutine ends it alike, whatever its
arguments (`grpc.aio.server()`, `await server.stop(grace)`: jumpstarter-dev/jumpstarter
`9b2b9cf9`, stopped after an `@asynccontextmanager`'s `yield` outside `finally`). A plain (not awaited) method of the table
makes one only at the end of a builder's chain rooted at the class it builds
(python-telegram-bot's `Application.builder().token(t).build()`), and only once the code awaits
a method of what it is bound to (a local, or `self.<attr>` in the class): an application that
only its blocking `run_polling()` runs is initialized and shut down by it. Stopping a part of a
library object (`await self.application.updater.stop()`) is not its release (`shutdown()`)
(marketcalls/openalgo `c92e0304`). A value made inside
`typing.cast(T, value)` is made where the cast stands (`cast` returns it unchanged): `session =
cast(ClientSession, ClientSession())` must be closed as `session = ClientSession()` must, and a
class keeping `cast(Protocol, await connect(url))` holds that connection. They open nothing
until used (an awaited call through them, `await client.chat.completions.create(...)`), unless
their `__init__` opens it; a method the library shows to end the instance itself (discord's
`Client.run()`, `async with self` around the bot's life) ends it as the release does.
A name two major releases bind differently (aiogram 2's `Bot`, ended by `close()`; aiogram 3's,
by `session.close()`) is the release the project declares (`requirements*.txt`,
`pyproject.toml`, `setup.cfg`, a `manifest.json`, the nearest upward), and a first-party folder
named like a library (a plugin's `google/`, an integration's `custom_components/<name>/`) is
that library only when it binds what is imported from it (`from google.genai import Client`).
A binding by that very import is none (a module cannot import a name from itself): `from idm_heatpump import
IdmModbusClient` in `custom_components/idm_heatpump/__init__.py` is the PyPI library's (Xerolux/idm-heatpump-hass `1133398b`).

A class whose holding only its `__aexit__` ends (no method of its own releases it, and the exit runs no
public method of the class: meraki's `AsyncDashboardAPI`, `await self._session.close()` there) is
released by that exit: entered with `async with`, or ended by hand with `await api.__aexit__(None,
None, None)` (the fix of TRD202 writes it so; `__aexit__()` alone raises `TypeError` where the exit
takes its three arguments):
```python
async def devices(key):
    api = meraki.aio.AsyncDashboardAPI(key)        # reported: open it with `async with`
    return await api.organizations.getOrganizations()
```

""" + LIBRARY_MAKERS + """A class of a package that is neither installed, nor in the project, nor read into that
table says nothing of itself, nor does one of a package the table read that the table does not
name (the generator read it and no rule entered it, which says only that no rule fits: pytapo's
`Streamer`, started by `start()` and ended by `stop()`, keeps an ffmpeg process no rule of the
generator reads), but the project's own code may: when a module of the
project (not a test) makes an instance and awaits a method of that very instance that ends
the whole object (`close`, `aclose`, `stop`, `shutdown`, `disconnect`, `cleanup`, `teardown`,
`terminate`, or `async_` and one of them, given no positional argument but constants:
`await player.stop(guild_id)` ends one guild's track, not the player): `gw = Gateway(host)` ... `await gw.close()` in
the same function, `self.gw = Gateway(host)` ... `await self.gw.disconnect()` in a method of
the same class. Every other instance the project makes must be released alike, and is judged as a first-party resource
type that opens on first use; so is what a class's maker spelled alike returns
(`Database.create(url)`). Its code is not read: an awaited call given one borrows it, as one
given a type of the table does, rather than taking it over as a first-party object handed on is
taken (`await resolve(fs, uri)`, meridianlabs-ai/inspect_scout `4acfaba4`). A receiver typed by an annotation is evidence too: a
parameter (`async def stop(gw: Gateway): await gw.close()`), or an attribute that a class of
the same module annotates once and alike (a Home Assistant integration's `runtime_data`
dataclass, `client: Gateway`, and `await entry.runtime_data.client.disconnect()` at unload),
so a config flow's probe that makes one and never disconnects it is reported. A receiver
known by its name alone, a collection's annotation (`list[Gateway]`), an `async with` (the
type may only wrap what it is given) and a test's close are no evidence.
What may be shared is not judged: an instance handed an object another function provides
(`Easee(user, password, async_get_clientsession(hass))`, Home Assistant's shared session; not text, `str(host).strip()`),
or what a maker given nothing returns (`Manager.instance()`), or one handed what a `with` of
the same function entered (`SdkClient(session=s)` inside `async with ClientSession() as s`).

A resource closed on the success path and in an `except Exception` handler (or a narrower
one, `except ccxt.BaseError`) is not closed when the task is cancelled inside the `try`: `asyncio.CancelledError` derives
from `BaseException` (Python 3.8 on), so it skips that handler, and the close after the `try`
is never reached (a timeout of `asyncio.wait_for`, a shutdown, a cancelled request). A bare
`except`, `except BaseException`, one naming `CancelledError`, and `finally` are reliable
(voyage-ai/voyageai-python `ee3da756`). A resource the success path returns (`return
Transport(exit_stack=stack)`) and only an `except Exception` handler cleans up on failure is
reported alike (hikari's shard); with `except BaseException` it is handled on every path:
```python
async def load(exchange_id):
    exchange = ccxt.okx()                    # reported: not closed on cancellation
    try:
        markets = await exchange.load_markets()
    except Exception:
        await exchange.close()
        raise
    await exchange.close()
    return markets
```
A handler that is the only close on the failure path must close first: one that awaits
something else before its close (`except BaseException: await report(error); await
stack.aclose(); raise`) leaves the resource open when that `await` raises or is cancelled. An
`await` in a `try` of its own, a close of something else first, and a test's or a script's
handler (whose error ends it) are not counted. """ + HANDLER_CLOSES + """
A resource lent to something the function keeps beyond its own end lives on in that holder:
`session = ClientSession(); self.api = Api(session)` (also `hass.data[key] = Api(session)`,
`REGISTRY.append(Api(session))`, a parameter's collection, through a local bound to the
holder or a display holding it) where `Api` closes nothing. A client that opens on first use
and is kept so (`client = httpx.AsyncClient(); app.state.client = client` in a lifespan) is kept
to be used: it is judged as if used, as one stored there at once is (what `self` keeps is its
class's, judged by the class's own uses of it). The session is still never
closed, but it must be closed where the holder ends (the owner's `close()`, the unload, the
shutdown), not in the function: the message names the holder, and no `async with` fix is
offered, since it would close the session under the `Api` as the function returns. So also when the
function closes it only on an early return that never stores it (`if not key: await ws.close(); return`
before `self.peers[key] = Peer(key, ws)`): the one it keeps is the holder's to end (a close in a handler
is about the errors before the store, judged as below). Closed there when the end of life the framework calls for that store (an integration's `async_unload_entry`, the code after a lifespan's `yield`, an aiohttp `on_cleanup` handler) reads the same place back, inline or into a name (`coordinator = entry.runtime_data`, `hass.data[DOMAIN].pop(entry.entry_id)`, `app["hub"]`, the lifespan's own `hub`), and releases the resource through the attribute the holder's `__init__` keeps it as (`await coordinator.client.stop()`, `await hub.feed.close()`; iprak/sensi `9ec66e57`); a release of another attribute, or through another key, closes nothing of it (the holder may be a value of a dict display kept there, `{"coordinator": coordinator}`, read back by its key). For a method, the end of life is a release method of its own class (`stop()`, `close()`, `__aexit__`), and a loop over the collection the holder is kept in reads every item of it back: `peer = Peer(pc=pc); self._peers[node] = peer` in `connect()` and `for peer in list(self._peers.values()): await peer.pc.close()` in `stop()` end `pc` (HBLLM/hbllm-core's WebRTC transport); a loop releasing another attribute of the holder, or in a method that is no release, ends nothing of it. The same holds for a record (a dataclass or attrs class, or a class that only keeps its arguments) added to the collection inline (`self._peers[node] = Peer(node, session=session)`) and for a loop written as a comprehension (`await asyncio.gather(*[p.session.close() for p in self._peers.values()])`); a coroutine release the loop never awaits (`for p in peers: p.session.close()`) ends nothing. The record is handed on only where some code of the class gives the collection out (returns it, passes it, puts it in a display), and a collection the class only grows, empties or walks without that release leaves the resource its creator's; so does a list the class appends to (`self._peers.append(Peer(node, session))`), which keeps one more at each call for the object's whole life, whatever its release does at the end. A local an exit stack enters (`await stack.enter_async_context(session)`) is the stack's from that statement on, whatever also keeps it (`self._session = session`): neither a leak of the local nor one of the attribute. Kept so by an integration's setup, the store is where it is handed on: an `await` before it (the coordinator's first refresh) that raises fails the setup, which Home Assistant never unloads, and leaks it unless a handler closes it; an `async with client:` on the way, a lazy client used again after the block, ends one session of it, not the client. A result
computed with the session (`data = await fetch(session)`) carries nothing, and an `Api` that
dies with the function keeps the fix:
```python
class Bot:
    async def setup(self):
        session = aiohttp.ClientSession()   # reported: lives on in `self.api`, no fix
        self.api = Api(session)
```

A first-party (or library-table) type closed only on the success path is reported wherever
the program goes on after the error: a service's or a library's method, a request handler, a
bot command, a Home Assistant integration. Not in a test (its failure ends the test) nor in
what a script runs (`__main__.py`, a module with an `if __name__ == "__main__":` block, a
function named `main`, a click or typer `command`; not what such a module only hands on, never
calling it, as a request handler given to a router, `web.post("/login", proxy.login)`, whose
errors the server answers: matrix-org/pantalaimon `c6c04b68`): there the error ends the process, unless
an `await` lies between the creation and every close: a failed login or a cancellation there
skips the close with the session open (8go/matrix-commander `18421a22`: `client =
AsyncClient(...)`, `await client.login(pw)`, `await client.close()` in a script). A
maker method whose every `return` constructs a class (`return SseClient(config)` or `return
StdioClient(config)`, by configuration) makes what its caller owns (letta-ai/letta
`c38b1f59`):
```python
class McpManager:
    async def call(self, config, name):
        client = await self.get_client(config)   # reported: open after any failed call
        await client.connect()
        result = await client.call_tool(name)
        await client.cleanup()
        return result
```
`contextlib.AsyncExitStack` owns what is entered into it until its `aclose()` (how MCP
clients hold their transport and session): a local stack is a resource, and a class that
keeps one on `self` and closes it in its own method is a resource type. A package imported
through a folder with no `__init__.py` (`from custom_components.demo.api import Client`, a
namespace package) is read from the folder above the top package. An exit that leaks nothing
is none: `raise SystemExit` ends the process with what it opened, and a `raise` in a `try`
whose handlers catch everything and go on does not leave the function.

""" + HOLDERS + """A resource made into a local, started, then stored on `self` leaks when the start fails in a `try` whose
`except` goes on without it (a rollback: SolitudeRA/astrbot_plugin_palworld `26fac233`). An
imported `async def` maker makes what it returns, in use when it awaited a method of it. A local
put in a collection the instance ends (`self.pages[key] = state`) only after an `await` that may
raise (`await state.navigate(url)`) leaks on that error: no cleanup reaches it (Skyvern
`1b9f45b9`); stored first, it is the instance's to end.

A `@dataclass` holder keeps its fields as a written `__init__` keeps its parameters: a client
given to one that never closes it stays its creator's (`self.ctx = ModelContext(model,
client)`; PrimeIntellect-ai/verifiers `6552a417`), closed by a release called through the
holder's attribute for it (`await self.ctx.client.close()`), not through another. An attrs
class (`@attrs.define`, `@attr.s`) is read the same way, `_x` taking `x` unless `alias=` says
otherwise and its bases' fields first (`cls(client)` in agronholm/apscheduler `3390502c85^`). A module's
registry whose elements it ends when taking them out (`await bots.pop(key).stop()`) holds
resources of any class: a `Bot(...)` stored there and taken out unstopped, or stored over a
running one read first, leaks (EXG1O/Telegram-Bots-Hub `407d0901`).

An async generator of the project holding a resource at a `yield` (an `async with` of a known
resource, a `finally` that releases) is closed only when exhausted or closed (PEP 525): stepped
by synchronous code on a loop of its own and dropped, it is reported where it is made (onyx-dot-app/onyx
`27df690a`). One a coroutine leaves (`break`, `return`, `anext()`) only under `--preview`: the running
loop closes it as its last reference goes, in another task. Nor a loop run to its end, `aclosing()`:
```python
def first_row(loop, url):
    gen = rows(url)                # reported: `rows` holds a session at its `yield`
    return loop.run_until_complete(anext(gen))
```

Synchronous code that runs a method of a client it made to its end through a runner
(`async_to_sync(bot.get_me)()`, `asyncio.run(client.get(url))`, `loop.run_until_complete(...)`)
uses it as an `await` would: a client that opens on first use then holds what the method opened,
closed through the runner in a `finally` or made and closed in a coroutine (letsrevel/revel-backend
`7b7df783`):
```python
def get_bot_name():
    bot = get_bot()                             # reported: an aiogram 3 `Bot`, never closed
    return async_to_sync(bot.get_me)().username
```

## Why is this bad?
An unclosed session leaks its connector and sockets ("Unclosed client session"); closing it
only on the success path leaks it whenever a request fails or the task is cancelled.

## Example
```python
import aiohttp

async def fetch(url):
    session = aiohttp.ClientSession()
    resp = await session.get(url)
    await session.close()
    return resp

class StreamFetcher:
    def __init__(self):
        self.session = aiohttp.ClientSession()   # no method closes it

async def find(uri):
    fetcher = StreamFetcher()                # TRD201: every instance leaks its session
    return await fetcher.session.get(uri)

SESSIONS = {}

async def get(timeout, uri):
    if timeout not in SESSIONS:
        SESSIONS[timeout] = aiohttp.ClientSession()   # TRD201: nothing closes the cache
    return await SESSIONS[timeout].get(uri)

async def test_image(doorbell):
    await doorbell.get_image(aiohttp.ClientSession())  # TRD201: lent, then lost

async def publish(payload):
    producer = AIOKafkaProducer(bootstrap_servers=BROKERS)  # TRD201: started, never stopped
    await producer.start()
    await producer.send_and_wait("prices", payload)
```

## Use instead
```python
import aiohttp

async def fetch(url):
    async with aiohttp.ClientSession() as session:
        return await session.get(url)

class StreamFetcher:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()

async def close_sessions():                  # called at shutdown (on_cleanup, lifespan)
    for session in SESSIONS.values():
        await session.close()

async def test_image(doorbell):
    async with aiohttp.ClientSession() as session:
        await doorbell.get_image(session)

async def publish(payload):
    producer = AIOKafkaProducer(bootstrap_servers=BROKERS)
    await producer.start()
    try:
        await producer.send_and_wait("prices", payload)
    finally:
        await producer.stop()
```

## Fix safety
Safe when the resource does not escape the function: the statements that use it move into an
`async with` block. Not offered when the resource, or an object built from it, is kept beyond
the function (an attribute, an item, a global, a collection that is not the function's own).
"""
