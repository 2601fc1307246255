"""The part of TRD201's documentation (:mod:`tradelint.rules.unclosed_doc`) on error paths: a
resource left open by an exit, an error or a handler on its way to where it is handed on."""

ERROR_PATHS = """Error paths: a `raise` or `return` between the creation and the statement that hands the
resource on (stores it where a later end of life closes it) leaves it open, unless a `try`
around the exit closes it in a handler or `finally`; so does an `await` before the hand-off
in a `try` whose `except` goes on without raising or naming it, when nothing after the `try`
names it either (`service = CacheService(); try: await service.connect(); self.bot.cache =
service; except Exception: log(...)`); an `await` of the resource's own release in a branch that
leaves (`if not name: await ws.close(); return`) is none such, nor is an `await` in a function the
`try` defines (a command handler it registers with a dispatcher), which runs when that function is
called. A lazy client (`httpx.AsyncClient`: no connection before its first request) holds nothing
until an `await` uses it, so an error caught before that leaves nothing open. A first-party resource closed only at the end of a
`try` whose `except` goes on without raising is closed outside `finally`, and so is one
whose close follows a `try` whose `except` leaves (`return`, `break`, `continue`) without it.
One closed in an `except` that re-raises and handed on by a `return` on success is released on
every way out: the `return` hands on what it returns and every value carried in it, a local
bound to a holder given it included (`device = Device(manager)`, then `return device`: an Apple
TV library's connect, whose manager comes from the project's own factory), when no `return`,
`raise` or `await` comes between the creation and that `try` (the same library's parent leaked
the manager by a `raise` before it).

An `except` that no error reaches is no way out. A connection test of the project's own that
catches every `Exception` itself and answers `False` (every statement of its body outside that
`try` a log call, an assignment, a test or a `return` of names, attributes and constants) lets
only the cancellation out, which `except Exception` does not catch; the `raise` in its caller's
handler never runs, and an `await` of it leaves nothing open before the hand-off:
```python
class Api:
    async def test_connection(self):
        if not self._password:
            return False
        try:
            await self._login()          # opens the client's session
            return True
        except Exception as err:
            _LOGGER.error("test failed: %s", err)
            return False

async def async_setup_entry(hass, entry):
    api = Api(entry.data["password"])    # not reported
    try:
        await api.test_connection()
    except Exception as err:
        raise ConfigEntryNotReady from err
    hass.data[DOMAIN][entry.entry_id] = api
```
A test that catches some errors only (`except aiohttp.ClientError`), whose handler raises, or
whose body may fail outside its `try` (a subscript, arithmetic, another call), or a setup whose
handler catches the cancellation too (`except BaseException`), is reported as before.

A close on a way out (in an `except`, or in a branch that ends by raising or returning) answers
the failures the code checked before it only: an `await` after it, before the hand-off, that
raises still leaves the resource open (tykeal/homeassistant-guesty `2b27fcba`: the client closed
when the connection test fails, left open when the first refresh raises; each setup retry leaks
one):
```python
async def async_setup_entry(hass, entry):
    client = httpx.AsyncClient()          # reported: the first refresh may raise
    api = Api(client)
    try:
        await api.test_connection()
    except Exception:
        await client.aclose()
        raise ConfigEntryNotReady
    coordinator = Coordinator(hass, api)
    await coordinator.async_config_entry_first_refresh()
    hass.data[DOMAIN][entry.entry_id] = {"client": client, "coordinator": coordinator}
```
A release handed on uncalled to what runs it later (`entry.async_on_unload(client.close)`,
`stack.push_async_callback(session.close)`, or a nested function whose body closes it and whose
name the creator only hands on uncalled: `async def _on_cleanup(app): await fetcher.close()` then
`app.on_cleanup.append(_on_cleanup)`, aleph-im/pyaleph `8c4520e6`) is a hand-off from that statement on, not before:
a failed Home Assistant setup runs the callbacks registered so far and never the unload, so an
`await` between the creation and the registration that raises leaves the resource open, and
the registration, not an earlier store for the integration (`entry.runtime_data =
Data(client=client)`), is where the resource is handed on (roquerodrigo/ha-neakasa-litterbox
`47b06d1a`: the fix registers the close "before any await"):
```python
async def async_setup_entry(hass, entry):
    client = ApiClient(entry.data["host"])    # reported: the first refresh may raise
    entry.runtime_data = Data(client=client)
    await coordinator.async_config_entry_first_refresh()
    entry.async_on_unload(client.async_close)
```
The object's own start, its first use (`await backend.__aenter__()`, `await client.open()`),
is no such `await`, whether its error propagates or is caught, when its first-party class says that, failing, it leaves the object holding
nothing: no construction method of the family (`__init__`, a dataclass's) makes anything its
release reads (an exit stack made empty is nothing), and every `await`, `raise`, `async for`
and `async with` of the start (and of the methods it runs on `self`, read alike) comes before
its first acquisition (a store on `self` of a call's value, a call of what `self` holds, a
task started) or runs in a `try` that releases on every error. A start that makes a client and
then awaits a request with it, one that awaits its own `_connect()` doing so, a class whose
`__init__` made what its `close()` closes, a base of a library, or another `await` of the
object after its start before the hand-off, still leave it open:
```python
class Backend:
    def __init__(self, url):
        self._stack = contextlib.AsyncExitStack()
    async def __aenter__(self):
        self._client = await self._stack.enter_async_context(httpx.AsyncClient())
        return self
backend = Backend(url)
await backend.__aenter__()        # not reported: failing, it holds nothing
self.backend = backend
```
What the class is given is held from the construction only when a release ends it (calls a
release on it, `await self._session.close()`, or hands it on), never when the release only works
with it (`self._session.post(url, json=logout)`) or when it is annotated as a plain value (`url:
str`); a request sent through such a given tool is no acquisition of the instance, nor is a
store no release reads, or of a value plain by its form (`datetime.now() + timedelta(...)`, a
class constant). A start reached again through its own requests (`connect()` -> `_request()`
-> `_ensure_connected()` -> `connect()`) is read as acquiring nothing when nothing it reaches
acquires. The same reading answers a function that closes the value itself ("closed here on one
path only: an error in the `await`"): its own start failing holding nothing is no such error
(a config flow's `client = Client(session=shared, url=url); await client.connect(); await
client.close()`, a login that keeps the id it gets after its last `await`).
An instance of a first-party class that holds nothing until one of its methods acquires (one
whose opening methods are known: those that store an acquisition on `self` outside `__init__`,
and those reaching one) is opened by an awaited use only when that use may open it: an `await`
of a method reaching none of those (`await hub.check_config()`, a request through
`aiohttp.request`, before `return {"hub": hub}`) leaves it holding nothing when it fails, and is
not reported (jason0x43/hacs-hubitat's config flow, whose `HubitatHub` makes its event server
in `start()` only); an `await hub.start()`, or of a method that calls it, still is. So is a
`raise` after such a use (`try: await client.async_initial_snapshot() except Exception: raise
ConfigEntryNotReady`, the snapshot a request through Home Assistant's shared session, the
client's own connection made only by `start()` after the store): it leaves nothing open.
A client given to a coordinator that its entry ends (a subclass of Home Assistant's
`DataUpdateCoordinator` made in the setup, whose own `async_shutdown()` closes what it holds:
its `__init__` registers that with the entry, and a failed setup runs it) is handed on where
the coordinator is made; a close of the client in an `except` after that (`except Exception:
await api.close(); raise ConfigEntryNotReady`) answers the failure before it, and makes the
coordinator no borrower. One whose release is another method is handed on only where the
setup stores it. So for any holder the function returns or stores (`device = Device(manager)`
... `return device`): a close in an `except` that re-raises answers the failure it catches, and
an exit before the hand-off is reported as one ("leaks on an exit before it is handed on"),
never with a `finally` that would close what the returned holder keeps. Given to a holder
dropped at the end (`return True`), the resource is lent, and that close outside `finally` is
reported.
A value the function releases in an `except` that catches some errors only (not a bare one,
`Exception` nor `BaseException`) and then leaves is left open by another error its `try` is shown
to raise: a `raise` of the body itself, or what a framework's call raises besides the caught one
(a coordinator's first refresh raises `ConfigEntryAuthFailed` as well as `ConfigEntryNotReady`),
whatever the value's type: the release is the function's word that it owns the value
(dknowles2/ha-pitboss `672d18fa`). Each binding of the value is reported; not where a handler of
every error or a `finally` (of that `try`, or of one around it) names it, where the value is
given to a first-party owner that releases it, for a coordinator whose `async_shutdown()` its
entry runs, in a test or a script's `main()`, nor for a handler of a library's own error class
around its calls (which errors they raise is not known):
```python
conn = wss.WebSocketConnection(device_id, session=session)   # reported
try:
    await coordinator.async_config_entry_first_refresh()
except ConfigEntryNotReady:
    await conn.disconnect()
    raise
```
Where the program does not go on after the function fails, none of these is reported: a test,
a script's `main()`, and a function that only they or a startup handler reach. Every call of
the function in the project is found and each must be made so (a call of the standard library
of the same name, `asyncio.run()` beside the project's `run()`, is none of them). A call in the
script's own body (`if __name__ == "__main__": asyncio.run(serve())`, the top level of
`__main__.py`) is the program's entry; at another module's top level (import time), under a
`try` that handles the error, or run as a task (`asyncio.create_task(serve(app))`: the task gets
the error and the program goes on; a task group's task raises at the group's exit), it is not:
```python
async def serve(app):
    runner = web.AppRunner(app)            # not reported: only the script's body runs serve()
    await runner.setup()
    site = web.TCPSite(runner, "localhost", 8080)
    await site.start()
    return runner

if __name__ == "__main__":
    asyncio.run(serve(web.Application()))  # its error ends the process
```
In a script and in a test, a close that only a cancellation can skip is no leak either: nothing
cancels a script's coroutine but the program's own end (Ctrl-C), which takes the connection with
it. A resource closed on the way on (not in a handler, nor in a `try`'s `else`, nor under a
branch or after a loop it is made in) is not reported when everything between that may fail
(an `await`, an `async for` or `async with`, an async comprehension, a call other than a
`print` or a logger's given plain names and counts of them (`print(f"{len(SYMBOLS)} symbols")`), or the making of another lazy client of a library
from constants, names and displays of them, an `assert`) is in a `try` before the close whose
`except Exception` (or wider) goes on, none of its handlers raising or returning, or in a `try`
every handler of which closes the resource, one catching every error; or awaits a release of
something else; and no `return`, `raise`, or `break` or `continue` of a loop around it comes
between (Shmuel18/Arbitrage-'s funding scripts). A module that runs a coroutine at its top level
(`asyncio.run(check())` unguarded, `loop.run_until_complete(...)`, `anyio.run(check)`,
`trio.run(check)`) is a script for this too: importing it runs the program. The same coroutine
in a module that is no script is reported: a cancellation of a service's call leaves the
session open.
```python
async def check():
    exchange = ccxt.pro.bybit()
    other = ccxt.pro.binanceusdm({"enableRateLimit": True})   # opens nothing: no error to skip a close
    try:
        rate = await exchange.fetch_funding_rate(symbol)   # an error is caught and gone on after
    except Exception as e:
        print(f"error: {e}")
        rate = None
    print(rate)
    await exchange.close()                                  # not reported
    await other.close()

if __name__ == "__main__":
    asyncio.run(check())
```
An error caught on its way and gone on after reaches no outer handler: a value the function
closes itself, made in a `try` whose `except Exception` returns without closing it, is not left
open by that `return` when every `await` of the `try` after it (its close aside) sits in an inner
`try` whose `except Exception` goes on, none of its handlers raising or returning, and which
does not hold the close (each query of a migration loop, Slopez2023's `migration_service.py`).
An outer handler of the cancellation (bare, `BaseException`, `CancelledError`) is reached past
an inner `except Exception`, and the value is reported.

"""

# Closes on every way out that are no `finally` (:mod:`tradelint.rules.unclosed_doc` includes it).
HANDLER_CLOSES = """A resource made in a `try` every handler of
which closes it (a statement of the handler's own body: `await ws.close()`, or a release of
the function it is handed to), the handlers together catching every error (`CancelledError`
and `Exception` between them, or `BaseException`), and kept on success by what outlives the
function (`self._entries[key] = Entry(ws=ws)`) is closed on every way out, as a `finally`
would close it: not reported. A set that misses the cancellation, or a handler that does not
close it, is.

A resource handed to a local holder (`scope = Scope(db=store)`, a first-party class or
dataclass keeping it) and released through it (`await scope.db.disconnect()`, the holder's
attribute for that argument) is closed there, as a close of its own name would be: in a
`finally` (one nested in the `finally` of an outer `try` is reached from that outer `try`),
or not.

A first-party coroutine given the resource ends it when its code ends the parameter, or hands
it on to another first-party coroutine that does (followed a few calls deep; a `@staticmethod`
called on `self` binds no receiver), and that call is a release of the name wherever one is
looked for, on an exit before the hand-off too. A link that releases only on its normal path
makes the chain's release a plain one; a link that only reads it (logs it) ends nothing, nor
does one that ends a part of it: a release-like method given what to end (a BLE client's
`stop_notify(uuid)`) is not the client's `disconnect()`:
```python
async def connect(self, key, url):
    stack = AsyncExitStack()                      # not reported: each way out tears it down
    await stack.__aenter__()
    try:
        await self._probe(url)
    except Exception:
        await self._teardown(key, stack)          # awaits self._close_stack(stack): stack.aclose()
        raise
    self.entries[key].stack = stack
```
"""
