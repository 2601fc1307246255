from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.fix_plan import EditSpec, FixSpec
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.resources.coroutine_guards import plain_only_call
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.typed_release import typed_unawaited_releases
from tradelint.models.resources.unawaited_release import awaited_elsewhere, unawaited_releases_of


class ResourceCloseNotAwaited(Rule):
    """## What it does
    Flags a call of an async resource's close method that is never awaited:
    `self._session.close()` as a statement, where `close` is a coroutine function
    (`aiohttp.ClientSession.close`, `httpx.AsyncClient.aclose`, a `redis.asyncio` client's
    `aclose`, an `asyncpg` pool's `close`, a ccxt exchange's `close`, or the `async def` release
    method of a first-party class that owns one), also of one kept under a key of the object
    (`self["http_session"].close()`).

    Any first-party object's release alike: `self.link.disconnect()` as a statement, where
    `disconnect` (or `close`, `aclose`, `stop`, `shutdown`, `cleanup`, `teardown`, `terminate`,
    or `async_` and one of them) is an `async def` of the class `self.link` is proven to hold
    (every store of the attribute names that class, or a parameter annotated with it), of a
    local bound once to its constructor (a `None` bound before it aside: `playground = None`)
    or to a class method of it whose every `return` makes its own class (`transport = await
    Transport.connect(...)`, `return cls(reader, writer)`: the class named, whatever the return
    annotation says), of a parameter annotated with it, or of `self`. It releases nothing,
    whatever the class holds. A coroutine that is kept, returned or handed on
    is not this rule's, nor a decorated method, nor a call the code makes only after testing
    that very callable and finding it no coroutine function (`if not
    asyncio.iscoroutinefunction(self.close): self.close()`, the `else` of `if
    inspect.iscoroutinefunction(s.close): await s.close()`, or any call after `if
    iscoroutinefunction(self.close): return`): it is the sync twin's call.

    A release the thing is handed to alike: `BoltSocket.close_socket(s)` (a class or static
    method called on its class or `cls`), `self._drop(conn)`, `close_conn(conn)`, as a
    statement, where the callee is a first-party `async def` named as a release that calls a
    release method on that parameter (`await socket_.close()`).

    Whatever the receiver's type, when the code awaits the same release of the same receiver
    elsewhere (`await self._link.disconnect()` in `stop()`, the bare `self._link.disconnect()` in
    `restart()`; a local's in the same function, a module global's in the module): the awaited
    call shows the method returns an awaitable, so the bare one runs nothing. Not when the bare
    call is in a plain method whose async twin of the same class holds the awaited one (`def
    __exit__` and `async def __aexit__`, `close` and `aclose`): a class serving both protocols
    ends a sync receiver in the one and an async receiver in the other.

    A receiver whose type an annotation declares alike, however it was made: a parameter
    (`async def stop(s: aiohttp.ClientSession): s.close()`), `self._http` declared
    `_http: Optional[ClientSession]` in the class body or `self._http: ClientSession | None` in a
    method, a property or function annotated `-> httpx.AsyncClient` (`self.http.close()`,
    `make_client().aclose()`), an annotated module global or local, where the type is a library
    resource type whose release its library makes a coroutine function, a first-party class
    deriving from one (`class HttpClientT(ClientSession)`), or a first-party class whose release
    is an `async def`. Not when the function binds the receiver itself (`s = requests.Session()`,
    `self._http = Other()`), nor for a type whose release is a plain function (`requests.Session`).

    ```python
    class App:
        _http_client: HttpClientT = None  # class HttpClientT(aiohttp.ClientSession)

        async def on_stop(self):
            if self._http_client:
                self._http_client.close()  # TRD205
    ```

    A resource released through one of its parts alike: `bot.session.close()` of an aiogram 3
    `Bot`, `client.aio.aclose()` of a google-genai `Client`, `api.session.close()` of a
    first-party class whose `__aexit__` closes `self.session` (see TRD201), as a statement.

    ## Why is this bad?
    Calling a coroutine function only creates a coroutine; nothing runs until it is awaited.
    The session stays open (Python warns "coroutine ... was never awaited", then aiohttp
    "Unclosed client session"), and a reader of the code believes it closed. tradelint does not
    count such a call as closing the resource, so its creation is reported too.

    ## Example
    ```python
    import aiohttp

    class Feed:
        async def start(self):
            self._session = aiohttp.ClientSession()

        async def stop(self):
            self._session.close()
    ```

    ## Use instead
    ```python
    import aiohttp

    class Feed:
        async def start(self):
            self._session = aiohttp.ClientSession()

        async def stop(self):
            await self._session.close()
    ```

    ## Fix safety
    Safe inside an `async def`: `await` is added in front of the call, which then runs the close
    the code already asked for, at the same point. No fix in a plain function, a lambda or an
    `atexit` handler, where no loop may be running to await it.
    """

    code = "TRD205"
    triggers = trigger_words.RESOURCE_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.RELEASE_WORDS + trigger_words.resource_config_words(config)
    name = "resource-close-not-awaited"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        reported: set[int] = set()
        for found in resource_analysis(ctx).unawaited_closes:
            reported.add(id(found.call))
            if plain_only_call(ctx.module, found.call):
                continue
            fix, where = _await_fix(found.call, found.spelled, found.fixable)
            yield Report(
                found.call,
                fit("`{spelled}()` is never awaited, so it closes nothing; " + where, spelled=found.spelled),
                fix,
                fit_help("`{close}()` of `{label}` is a coroutine function: the call only creates a coroutine",
                         close=found.creation.spec.close, label=found.creation.label),
            )
        # A release of a coroutine method, known by its definition or by an ``await`` of the same
        # receiver's method elsewhere: one report each, the help saying how it is known.
        releases = [
            (release, fit_help("`{owner}{method}()` is a coroutine function: the call only creates a coroutine",
                               owner=f"{release.owner}." if release.owner else "", method=release.method))
            for release in (*unawaited_releases_of(ctx), *typed_unawaited_releases(ctx))
        ] + [
            (release, fit_help("`{spelled}()` is awaited elsewhere: it returns an awaitable, and this call only creates it",
                               spelled=release.spelled))
            for release in awaited_elsewhere(ctx.module)
        ]
        for release, help_text in releases:
            if id(release.call) in reported or plain_only_call(ctx.module, release.call):
                continue
            fix, where = _await_fix(release.call, release.spelled, release.fixable)
            yield Report(
                release.call,
                fit("`{spelled}()` is never awaited, so it releases nothing; " + where, spelled=release.spelled),
                fix,
                help_text,
            )
            reported.add(id(release.call))


def _await_fix(call: Any, spelled: str, fixable: bool) -> tuple[FixSpec | None, str]:
    """The safe fix adding ``await`` (in a coroutine only), and the message's advice."""
    if not fixable:
        return None, "await it in a coroutine"
    return FixSpec(f"Await `{spelled}()`", "safe", (EditSpec("await_call", call),)), "await it"
