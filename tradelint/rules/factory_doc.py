"""TRD201's documentation of the project's own makers that hand their caller a resource in a
tuple or a holder, or return another maker's call (moved out of :mod:`.unclosed_doc`, which
includes it)."""

FACTORIES = """A factory owns what it returns however it is wrapped: the same element of every returned tuple
(`None` there on the paths that make none), which the caller's unpacking binds, or a first-party
holder made around a resource the factory made, when the holder's release closes what it is given
(its caller owns the holder; 8go/matrix-commander `18421a22`, Skyvern `1b9f45b9`). So is the part
of a maker's tuple the factory unpacked and returns in a tuple of its own (`reader, writer = await
asyncio.open_connection(host, port); ...; return reader, writer`, in a function or a method): the
caller's `reader, writer = await open_irc(host)` binds the writer. An asynchronous class method that
makes the instance and awaits a method of it before returning it (`manager = cls(urls); await
manager.connect_all(); return manager`) hands on an instance in use, which holds what it opens from the
start. A caller's exit under `if client is None:` (or `if not client:`) of a maker that returns `None`
on some path is taken when nothing was made, and leaks nothing. A first-party client the factory
returns given what it would otherwise make for itself (`return Client(key, session=
async_get_clientsession(hass))`, whose `__init__` keeps the session it is given and makes its own
only when given none) borrows it, as where the class is called: its caller owns nothing. A tuple or
holder of what the factory was given makes nothing:
```python
def login(path):
    client = AsyncClient(url)
    return client, read_credentials(path)

async def rename(path, name):
    client, credentials = login(path)              # reported: never closed
    await client.update_device(credentials["id"], name)
```

A class that keeps a holder given a part made for it there and releases the holder owns the part
through it, as a factory owns the holder it returns: whoever makes one owns the transport, unless
it gives its own protocol (python-kasa's `Device`):
```python
class Device:
    def __init__(self, host, *, protocol=None):
        self.protocol = protocol or Protocol(transport=Transport(host))   # Protocol.close() closes it

    async def disconnect(self):
        await self.protocol.close()

async def poll(host):
    device = Device(host)                          # reported: never disconnected
    await device.update()
```

A class or static method that hands what it makes to the instance of its own class it returns
(`return cls(reader, writer)`), whose class keeps it and never releases it, moves it into the
instance when the project's callers carry it: every call binds the instance to a local (or a
caller ends the part through it: `await conn.writer.close()`). Each caller is judged there, and
one that never ends it is reported for the instance ("never closes its `self.writer`"), the one
report of that leak: a release in the factory would close what it returns (ethereum/lahja
`c3dc16d0`). A factory no caller carries (none in the project, one keeping the instance on `self`
or returning it on), and a module function returning such a holder, are judged where they make
the resource:
```python
class Connection:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect_to(cls, path):
        reader, writer = await asyncio.open_unix_connection(path)   # not reported here
        return cls(reader, writer)

async def ping(path):
    conn = await Connection.connect_to(path)    # reported: never closes its `self.writer`
    await conn.writer.drain()
```

A maker's `return` of another maker's call is followed to any depth: a class or static method
named through its class (`return Factory.create()`), a function named through its module
(`return makers.make_session()`), a tuple element of a class, static or instance method; a maker may
lend what it made to an awaited helper, call methods of its parts, and end it in an `except` that
leaves without it. A holder
made around `param or ClientSession()` with a flag it keeps saying which it got owns a new session
whenever the parameter is left `None` (postlund/pyatv `8faa4ebe`); a caller passing a session of
its own makes nothing. A class picked from a registry (`CLIENTS[kind](url)`, `CLIENTS.get(kind)`, a
pair unpacked from `PAIRS[kind]`: a dict display bound once and never stored into, in the module or the function) makes a
resource when every value is a class of one kind of resource (`ccxt.binance` and `ccxt.kraken` alike):
```python
CLIENTS = {"redis": RedisClient, "pg": PgClient}   # each closed by `await client.close()`

async def ping(kind, url):
    client = CLIENTS[kind](url)                     # reported: never closed
    await client.ping()
```

A tuple may tell the caller whether it owns the element: a flag that is `True` in every returned
tuple that holds the resource and `False` in every one that does not (what the caller passed,
`None` on an error), or the reverse (an error flag: `return config, True` when it failed), makes
the function a maker at that position all the same; the caller must end the element when the flag
says it was made, a release the flag guards (`if owned: await http.close()`) ends it, and an exit
the flag guards when nothing was made (`if err: return`) leaks nothing. A caller that passes a
value of its own for a parameter handed back because it was given (`if session is not None:
return session, False`; `ensure_session(self.session)`) is lent it. A tuple kept whole in a local and read only by constant index
(`pair = await open_pair(url); session = pair[0]`, or `asyncio.open_connection`'s pair) binds
its element as unpacking does; handed on whole, it is not judged. A position whose element the
function also ends, keeps or registers is no maker position:
```python
async def ensure_session(session):
    if session is not None:
        return session, False
    return aiohttp.ClientSession(), True

async def fetch(url, session=None):
    http, owned = await ensure_session(session)    # reported: never closed
    response = await http.get(url)
    return response.status

async def fetch_closed(url, session=None):
    http, owned = await ensure_session(session)
    try:
        response = await http.get(url)
        return response.status
    finally:
        if owned:
            await http.close()                     # ends it when it was made here
```

A maker that makes its resource unless given one, and tells the holder it returns which (`return
Api(session or aiohttp.ClientSession(), session is None)`), hands its caller a holder to close only
when the caller leaves that parameter `None`. A method is called bound: its receiver is no
argument of the call, so the parameter is matched after it:
```python
class Factory:
    def client(self, session=None, timeout=10):
        return Api(session or aiohttp.ClientSession(), session is None)

    async def made(self):
        api = self.client(None, 5)                  # reported: never closed
        return await api.get("x")

    async def lent(self, s):
        api = self.client(s)                        # lent: the holder keeps the caller's session
        return await api.get("x")
```

A maker is judged by what its body does on every path, the same whatever its kind: a module
function, a class or static method, a method of a receiver whose first-party class is proven (a
parameter's annotation, `self.attr` stored from a constructor or from `param or Factory()`), or a
method of `self`. Returning a first-party holder given a resource made there makes the holder for
the caller, and a resource another maker of the project made counts as made there (hummingbot
`ff51d3f4`: a factory's `get_ws_assistant()` wraps the new connection `get_ws_connection()` makes);
so does a library wrapper given a resource made for it there (`return AsyncOpenAI(http_client=
httpx.AsyncClient())`), as where it is made in place. One it keeps on `self` as well (a lazily made
shared one, a getter's) is lent, not made:
```python
class Assistants:
    def __init__(self):
        self._connections = Connections()

    async def new_assistant(self):
        connection = await self._connections.new_connection()   # a new `Connection`
        return Assistant(connection)                            # whose `disconnect()` it calls

async def listen(assistants: Assistants):
    ws = await assistants.new_assistant()           # reported: never closed
    await ws.connect("wss://x")
```
A maker that returns a resource on some paths and, on the others, an instance of a class of the
project that holds nothing and has no such release (a `NullNotifier` with no `aclose()`) is a
maker of that resource all the same: the caller owns what it gets on the path that makes one
(funkekaiser/polyarb `a4280bc5`: `notifier = build_notifier(kind, url)`, a `WebhookNotifier`
owning an `httpx.AsyncClient` when `kind` asks for a webhook, never closed). No fix writes its
release, which would fail on the other class; the help asks for one there (a method that does
nothing), so that every caller can close what it gets.

A function that returns its argument on every path (`def tag(session): session.tagged = True;
return session`) and keeps it nowhere else gives back what it was given: `self._session =
tag(raw)` keeps `raw` on `self` as `self._session = raw` does, on either branch of `tag(raw) if
flag else raw` too. A collection built by a comprehension keeps each element it makes, as a loop
storing them one by one does (encode/httpx `init_proxy_dispatch`):
```python
class Client:
    def __init__(self, names):
        self.proxies = {name: self.make_pool() for name in names}   # reported: items never closed

    def make_pool(self):
        return Pool()
```

An instance of a class of the project that makes a library resource on `self` and has no method
that closes it leaks it whoever holds it; the class's own TRD202 says so. Made in an integration's
`async_setup_entry` and kept where Home Assistant holds it for the entry (`hass.data[DOMAIN][
entry.entry_id]`, `entry.runtime_data`, alone or in a dict or record, or in a dict merged into
the entry's: `hass.data[DOMAIN][entry.entry_id].update({"client": client})`), it is reported there too,
where the fix goes (a pump integration's `90ae29a0`): the entry uses it for its whole life, so
even a client its class makes only on first use, in a getter, is open at the unload, and nothing
the unload runs can close it. Not where the unload reaches in and closes the held part itself,
nor in an integration that cannot be unloaded:
```python
class Client:
    @property
    def http(self):
        if not self._http:
            self._http = httpx.AsyncClient()  # reported (TRD202): never closed
        return self._http

async def async_setup_entry(hass, entry):
    client = Client(entry.data["token"])      # reported: kept at setup, and `Client` never closes its `self._http`
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {"client": client}
    return True

async def async_unload_entry(hass, entry):
    hass.data[DOMAIN].pop(entry.entry_id)
    return True
```

"""
