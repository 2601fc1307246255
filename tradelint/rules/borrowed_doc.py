"""TRD201's and TRD202's documentation of what a resource is built around, or handed out by a
getter, that belongs to someone else (included by :mod:`.unclosed_doc` and :mod:`.self_doc`)."""

BORROWED = """What is borrowed is not the borrower's to close. A first-party getter that keeps what
it makes and hands the same one to every caller (a module global it makes only when it has
none yet: `if _client is None: _client = Redis.from_url(url)`, or an early `if _ready: return
_client`; a result cached by `functools.lru_cache`, `cache`, async-lru's `alru_cache`) lends it:
`self._redis = await get_client()` and `redis = await get_client()` borrow the one the
application closes at shutdown, and are not reported. A getter that stores a new one on every
call and returns it still makes one per call: its caller owns it. A client given the part that
holds its connections (httpx's `AsyncClient(transport=t)`) made elsewhere (a module-level
transport every request shares, one a getter keeps per event loop, a parameter) holds nothing
of its own, and its `aclose()` would close the shared part: not reported; given one made for it
(in place, by a maker of new ones, a local, an attribute set to a new one in the method or
class), or one that may be `None` (a module-level `None` a test replaces, a parameter
defaulting to `None`: it then makes its own pool), it owns it and is. An
aiohttp `ClientSession(connector=c, connector_owner=False)` never closes `c` and holds nothing
(the default `connector_owner=True` owns whatever it is given). A client given a part of
its library that opens nothing holds nothing either: httpx's `ASGITransport` calls an
application in-process and `MockTransport` a function, neither defines `aclose()`
(`AsyncBaseTransport.aclose` does nothing) and a client given `transport=` reads no proxy from
the environment, so `httpx.AsyncClient(transport=httpx.ASGITransport(app=app))` is not
reported (jlowin/fastmcp's `from_fastapi`); given `mounts=` or `proxy=` beside it, the client
makes pools of its own and is. And a
fallback `if self._client is None: self._client = Client()` never runs when `__init__` stores in
that attribute a constructor argument every caller must pass, annotated without `None`.
An object of `unittest.mock` is no resource, and a first-party instance whose connection is
one before its first use holds nothing: `unit = Unit(url); unit.client = AsyncMock()` in a
test, where every acquisition of `Unit` is kept on `self.client` and made only while it is
empty (`if self.client: return self.client` first), opens nothing (kellerza/sunsynk's
`test_solarman.py`); used first, given anything else there, or of a class that replaces the
attribute whatever it holds, it is judged as ever.
A wrapper of the process's own standard stream (`anyio.wrap_file(TextIOWrapper(sys.stdout.
buffer))`) holds nothing to release: closing it would close the process's stdout. A
first-party class known only by its `__aexit__`, whose family acquires nothing itself, built
only from the parameters of the function that makes it (`self._t = Transport(client, url)` in
an `__init__` given `client`) holds only what its caller lent it: not reported; given an object
made here, it owns it and is. A function whose own frame returns no value (it enters what it
opens into a stack its caller passes in, or registers a factory) makes nothing at its call,
whatever the functions nested in it return. A class factory's resource handed into the
instance it returns (`session = ClientSession(); return cls(url, session)`), of a class that
never releases it, is judged at the factory's callers, which keep the instance, when they end it
through the instance (`await api.session.close()`), not where it is made (no caller ending it,
it is reported there as before); and a plain function that
returns an `async` maker's call unawaited hands out a coroutine: only an awaited call of it
makes one.

A first-party class that keeps a given value in the very attribute it would otherwise make (`if
session: self.session = session`, else `self.session = ClientSession()`, its `aclose()` closing
only its own) borrows what it is given. An instance given a parameter of the caller, a session
the caller ends itself (`finally: await session.close()`), one the caller makes only when it was
given none (`if session is None: session = ClientSession()`), or the function that gives one
(`Api(host, get_session=lambda: async_get_clientsession(hass))`, where the getter stores
`self._get_session()`'s result in that attribute) holds nothing: not reported. A function that
makes a new one at each call (`lambda: ClientSession()`, or one returning `await
establish_connection(BleakClient, device)`) makes it for the instance, which owns it. So is an instance
of a subclass that hands the argument to the base's `__init__` by position or by keyword
(`super().__init__(host, session)`). Given nothing, or a parameter that may be `None` (`session=None`,
`session: ClientSession | None`) handed on as it came, it makes its own and is reported.

A resource moves into a holder only where the holder's own release is shown to release it
(issue 28). A library class read into tradelint's table as one whose release closes what a
constructor parameter is given (aiogram 3's `RedisStorage(redis=...)`, whose `close()` awaits
`self.redis.aclose()`; read from the library's source, never imported, where the library is not
installed) takes the client: the holder, given one made for it, is what must be released then,
and is reported where it is not; a holder made at the top of a module takes it where a file of
the project releases the holder (`await dp.storage.close()` at the application's end), else the
client is still reported. One whose close is under its documented owner flag passed false
(`connector_owner=False`) takes nothing. A resource a function passes through first-party parts
into the holder it returns, whose release releases the attribute it ends up in (`return
Device(Config(session))`, `Device.close()` awaiting `self.config.session.close()`), is the
holder's: the function makes the holder, and its callers are judged for it:
```python
def make_storage():
    redis = Redis.from_url(url)
    return RedisStorage(redis=redis)            # not reported: the storage closes it

async def run():
    storage = make_storage()                    # reported: never closed
    await storage.set_state(key, "menu")
```
A class that keeps what it is given but closes the attribute only under a flag of its own
(`if self._close_session: await self._session.close()`, or after `if not self._owns: return`),
a flag its class leaves false whenever a value is given (set true only beside making its own,
under `if session is None:`, or `self._owns = session is None`), never closes a given session:
`Client(aiohttp.ClientSession())` is reported where the session is made, even when the client
is closed. A flag the caller sets (`Client(s, close_session=True)`, or `client._owns = True` in
the caller's module) proves nothing, and the session is taken as before.
```python
class Client:
    def __init__(self, session=None):
        if session is None:
            session = aiohttp.ClientSession()
            self._close_session = True
        else:
            self._close_session = False
        self._session = session

    async def close(self):
        if self._close_session:
            await self._session.close()

async def fetch(url):
    client = Client(aiohttp.ClientSession())    # reported: client.close() leaves it open
    try:
        return await client.get(url)
    finally:
        await client.close()
```
A module function's holder that never releases the part (`device = AxisDevice(Configuration(
session, host))`, then `return device`) leaves its end to the callers only when every call of
the function in the project ends it through the instance (`await device.config.session.aclose()`);
otherwise it is reported where it is made, as before.

"""

# TRD201: the uses of a library client made through what its methods make (session 82).
CLIENT_VIEWS = """A library's client that opens on first use is also used by an awaited method of what one of its
methods makes, on the spot or through the local it is kept in (two steps down): `ps =
redis.pubsub()` runs no command, but `await ps.subscribe(ch)` takes a connection of the client's
pool, open until the client is closed, as `pipe = redis.pipeline()` then `await pipe.execute()`
does. A request of the client run without an `await` of its own uses it too: handed to an awaited
call (`await asyncio.gather(r.get(a), r.get(b))`, `await asyncio.wait_for(client.get(url), 5)`)
or to what schedules it (`asyncio.create_task(client.get(url))`), directly, unpacked, or in a
list, a comprehension or a local so handed on. A class of the project is judged by what its own
methods open, not so (session 82):
```python
async def latest(keys):
    r = Redis(host="cache")                     # reported: used by the gathered requests
    return await asyncio.gather(*(r.get(key) for key in keys))
```

"""

CONNECTIONS = """A connection that a plain coroutine opens (`conn = await asyncpg.connect(dsn)`, `connection =
await aio_pika.connect_robust(url)`) holds its socket until its awaited `close()`. The call is no
context manager (`async with asyncpg.connect(dsn)` fails), so the cure is a `close()` in a
`finally`, and, kept on an object, a close in the object's end of life (session 83):
```python
async def last_price(dsn):
    conn = await asyncpg.connect(dsn)          # reported: never closed
    return await conn.fetchval("select price from ticks")
```

"""

EARLIER_READS = """A read of the local before the statement that binds it, in code no loop of the function runs
twice, sees an earlier value of the name and is no use of what the statement makes: not a hand-off
(`previous = session` above `session = ClientSession()`), not a close (session 83; logannye/polybot
`550e3b70`, where `if "odds_client" in dir(): _snipe_odds = odds_client` preceded the client). A
read in a nested function or a lambda runs when it is called, and still counts.

"""
