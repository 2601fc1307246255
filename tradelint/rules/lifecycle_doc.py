"""TRD201's documentation of what a generator lends, of the ends of life a framework runs itself
(an application's lifespan) and of the teardown that reads back what a setup stored (included by
:mod:`.unclosed_doc`)."""

LIFECYCLES = """A context manager, a fixture or a dependency lends what it yields for the caller's block:
`yield ClientSession()` in an `@asynccontextmanager` leaves nothing after the `yield` that
could close it (bind it, yield it, close it in a `finally`); a plain async generator that
yields one per item hands each to its consumer.

An `@asynccontextmanager` registered as an application's lifespan (`FastAPI(lifespan=f)`,
`Starlette(lifespan=f)`, `APIRouter(lifespan=f)`, `app.router.lifespan_context = f`, in its
module or through an import of it) is no context manager of the project's: Starlette's
`Router.lifespan` alone enters it, and the block around its `yield` is the server's lifespan
channel (`send` of `lifespan.startup.complete`, then `await receive()` until shutdown), never a
request, each of which is a call of its own. The code after the `yield` runs once, when the
server shuts down, and an error of the lifespan itself, in its start-up or its shutdown, fails
the server's start or stop (Starlette sends `lifespan.startup.failed` or
`lifespan.shutdown.failed` and raises; uvicorn exits). The close after the `yield` is then the
end of life of what the lifespan makes, outside `finally` too, as a fixture's teardown is; an
`await` of the start-up or the shutdown before it leaves nothing open that outlives the server
(flukelaster/ai-trading-agent's `main.py`). The same function entered by the project's own
`async with` is judged as any context manager (its block's error is thrown in at the `yield`),
and a lifespan that closes nothing after its `yield` is reported:
```python
@asynccontextmanager
async def lifespan(app):
    client = httpx.AsyncClient()                  # not reported: closed when the server stops
    await client.get(f"{URL}/warmup")
    yield
    await app.state.runner.shutdown()
    await client.aclose()

app = FastAPI(lifespan=lifespan)
```

A module global the module hands out (a getter returning it, or the module's `__getattr__`,
which Python runs for `from app.services import tool_service`) is ended where a file of the
project gets it through that handle and releases it when the application ends (after its
lifespan's `yield`, in a shutdown handler): directly, or as an element of a local collection
ended element by element there or in the coroutine the collection is handed to. The same
collection ended in any other function proves nothing. The module's own code releasing the
getter's value (`await get_session().close()`, or a local bound once to the call, then closed)
releases the global, as `await _session.close()` does, wherever in the module it is written:
the getter returns the very global (a runtime's `start_runtime()`/`stop_runtime()` pair, each
calling `get_orchestrator()`, in a trading bot's web app):
```python
_tool_service = None

def __getattr__(name):                            # app/services.py
    global _tool_service
    if name == "tool_service":
        if _tool_service is None:
            _tool_service = ToolService()         # not reported: main.py's lifespan ends it
        return _tool_service
    raise AttributeError(name)

@asynccontextmanager
async def lifespan(app):                          # app/main.py
    yield
    services = [tool_service]
    for service in services:
        await service.shutdown()
```

A value read back from where something keeps it is no creation of the code that reads it: a
container's own read of an item (`hass.data[DOMAIN].get("coordinator")`, `store.pop(key)`,
`setdefault`, `popitem`, `popleft`) or `getattr(holder, name)`. A teardown that closes what a
setup kept (Home Assistant's `async_unload_entry`, fdebrus/hayward-ha) is not told that every
other exit of its own leaves the value open: the setup made it, and is judged for it.

"""
