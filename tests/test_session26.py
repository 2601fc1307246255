"""Session 26 (issue 28, point 6: tasks judged the way they die).

- A task whose coroutine is given the object itself (``self._run()``) holds the object: its
  ``__del__`` cannot run while the task runs, so a cancel there ends nothing (TRD303).
  Source: hifi/heisenbridge ``0234fe2d`` and ``f7a1f981`` (round 8, half b, after its report).
- A local task that loops until cancelled, cancelled after the work it accompanies but not in a
  ``finally``, runs on when an ``await`` of that work raises (TRD302). Source:
  embl-bio-it/python-mattermost-autodriver ``83e97a99`` (the same).
Each shape has its negative twins.
"""

from __future__ import annotations

from pathlib import Path

from tests.trees import findings, package_project

QUEUE = """\
import asyncio


async def pump(queue):
    while True:
        print(await queue.get())


class Connection:
    def __init__(self):
        self._queue = asyncio.Queue()
        self._task = asyncio.ensure_future(self._run())

    def __del__(self):
        self._task.cancel()

    async def _run(self):
        while True:
            print(await self._queue.get())


class Detached:
    def __init__(self):
        self._queue = asyncio.Queue()
        self._task = asyncio.ensure_future(pump(self._queue))

    def __del__(self):
        self._task.cancel()


class Closed:
    def __init__(self):
        self._queue = asyncio.Queue()
        self._task = asyncio.ensure_future(self._run())

    def __del__(self):
        self._task.cancel()

    def close(self):
        self._task.cancel()

    async def _run(self):
        while True:
            print(await self._queue.get())
"""


def test_a_cancel_in_del_ends_no_task_that_holds_the_object(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"queue.py": QUEUE})
    assert findings(root, "TRD3") == [
        "app/queue.py:12:9 TRD303 `self._task` is cancelled only in `__del__()`, which cannot run while the"
        " task holds `self`; add a shutdown method that cancels and awaits it",
    ]


SOCKET = """\
import asyncio


class Socket:
    def __init__(self, connect):
        self._connect = connect
        self._alive = True

    async def listen(self, handler):
        ws = await self._connect()
        beat = asyncio.create_task(self._heartbeat(ws))
        while self._alive:
            message = await ws.receive_str()
            await handler(message)
        beat.cancel()
        try:
            await beat
        except asyncio.CancelledError:
            pass

    async def guarded(self, handler):
        ws = await self._connect()
        beat = asyncio.create_task(self._heartbeat(ws))
        try:
            while self._alive:
                await handler(await ws.receive_str())
        finally:
            beat.cancel()

    async def one_reply(self):
        ws = await self._connect()
        ping = asyncio.create_task(ws.ping())
        reply = await ws.receive_str()
        ping.cancel()
        return reply

    async def nothing_between(self):
        ws = await self._connect()
        beat = asyncio.create_task(self._heartbeat(ws))
        beat.cancel()

    async def _heartbeat(self, ws):
        while True:
            await asyncio.sleep(5)
            await ws.pong()
"""

SCRIPT = """\
import asyncio


async def heartbeat(ws):
    while True:
        await asyncio.sleep(5)
        await ws.pong()


async def run(ws):
    beat = asyncio.create_task(heartbeat(ws))
    print(await ws.receive_str())
    beat.cancel()


if __name__ == "__main__":
    asyncio.run(run(None))
"""


def test_a_looping_task_cancelled_outside_finally_runs_on_after_an_error(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"socket.py": SOCKET, "script.py": SCRIPT})
    assert findings(root, "TRD3") == [
        "app/socket.py:11:9 TRD302 task `beat` from `asyncio.create_task(...)` runs on when an error comes"
        " before its `cancel()`; cancel it in a `finally`",
    ]


STREAMS = """\
import httpx


async def entered(url):
    client = httpx.AsyncClient()
    async with client.stream("GET", url) as response:
        return response.status_code


async def iterated(url):
    client = httpx.AsyncClient()
    async for chunk in client.sse(url):
        print(chunk)


async def closed(url):
    async with httpx.AsyncClient() as client:
        async with client.stream("GET", url) as response:
            return response.status_code


def sync_with(url):
    client = httpx.AsyncClient()
    with client.stream("GET", url) as response:
        return response
"""


def test_a_lazy_client_entered_through_a_method_is_used(tmp_path: Path) -> None:
    """A client that connects on first use (``httpx.AsyncClient``, an SDK's client) is used by a
    request it makes through ``async with client.stream(...)`` or ``async for ... in
    client.sse(...)``, as by an awaited call: never closed, it is reported (abi/screenshot-to-code
    ``b57f34d7``: ``async with client.messages.stream(...)`` of an ``AsyncAnthropic``, round 7
    half b, after its report). A plain ``with`` awaits nothing, so it makes no request of a
    coroutine client."""
    root = package_project(tmp_path, {"streams.py": STREAMS})
    assert findings(root, "TRD2") == [
        "app/streams.py:11:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
        "app/streams.py:5:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
    ]


LENT = """\
from contextlib import asynccontextmanager

import aiohttp


class Socket:
    def __init__(self, session: aiohttp.ClientSession, ws):
        self.session = session
        self.ws = ws

    async def close(self):
        await self.ws.close()
        await self.session.close()


@asynccontextmanager
async def connect(url):
    session = aiohttp.ClientSession()
    async with session.ws_connect(url) as ws:
        yield Socket(session, ws)


@asynccontextmanager
async def bound(url):
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(url)
    sock = Socket(session=session, ws=ws)
    yield sock


@asynccontextmanager
async def released(url):
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(url)
    sock = Socket(session, ws)
    try:
        yield sock
    finally:
        await sock.close()


async def made(url):
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(url)
    return Socket(session, ws)
"""


def test_an_owner_yielded_by_a_context_manager_is_lent_for_the_block(tmp_path: Path) -> None:
    """Point 4 through an owner: a context manager that yields a first-party object holding a
    new session (whose ``close()`` closes it) lends the object for the block, and nothing closes
    either after it (nonebot/nonebot2 ``c1e06c2e``, round 7 half b, after its report). Released
    after the ``yield``, or returned by a plain coroutine (the caller owns it), it is lent no
    more; since session 27 a ``ws_connect()`` that fails before the hand-off is reported there (the
    error propagates with the session open)."""
    root = package_project(tmp_path, {"lent.py": LENT})
    raised = "leaks if an `await` before it is handed on raises; close it on that error"
    assert findings(root, "TRD2") == [
        "app/lent.py:18:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        "app/lent.py:25:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        # (session 28: ``await session.ws_connect(url)`` makes a websocket, aiohttp's maker; the
        # ``Socket`` that takes it over is lent for the block, and nothing closes it after)
        "app/lent.py:26:5 TRD201 `ws` (`session.ws_connect(...)`) is never closed; call `await ws.close()` in a `finally`",
        f"app/lent.py:33:5 TRD201 `session` (`aiohttp.ClientSession(...)`) {raised}",
        f"app/lent.py:43:5 TRD201 `session` (`aiohttp.ClientSession(...)`) {raised}",
    ]


KEPT = """\
import aiohttp


class Api:
    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        if session is None:
            session = aiohttp.ClientSession()
        self.session = session

    async def get(self, url):
        return await self.session.get(url)


class Closed:
    def __init__(self) -> None:
        session = aiohttp.ClientSession()
        self._session = session

    async def close(self) -> None:
        await self._session.close()


class Probe:
    async def check(self, url) -> None:
        session = aiohttp.ClientSession()
        self.last = session
        try:
            await session.get(url)
        finally:
            await session.close()
"""


def test_a_local_stored_on_self_is_the_instance_s(tmp_path: Path) -> None:
    """``if session is None: session = ClientSession()`` then ``self.session = session``: the
    instance keeps the one it made, as if made in place, and must close it (python-roborock
    ``96cc718d``, round 9 half a). Closed by the class, or closed by the method itself (a probe
    that only remembers it), it is no finding."""
    root = package_project(tmp_path, {"kept.py": KEPT})
    assert findings(root, "TRD2") == [
        "app/kept.py:7:13 TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`",
    ]


WAITER = """\
import asyncio


class Link:
    async def _response(self, key):
        return await self._futures[key]

    async def connect(self) -> None:
        waiter = asyncio.ensure_future(self._response("connect"))
        if self.send_connect():
            await waiter

    async def always(self) -> None:
        waiter = asyncio.ensure_future(self._response("connect"))
        self.send_connect()
        await waiter

    async def either(self) -> None:
        waiter = asyncio.ensure_future(self._response("connect"))
        if self.send_connect():
            await waiter
        else:
            waiter.cancel()

    async def closure(self) -> None:
        waiter = asyncio.ensure_future(self._response("connect"))

        async def finish():
            await waiter

        if self.send_connect():
            await finish()
"""


def test_a_local_task_awaited_on_some_paths_only(tmp_path: Path) -> None:
    """A response waiter started before the request and awaited only if a request was sent: on
    the other path the function returns with it pending and unreferenced (python-roborock
    ``1ad03bef``, round 9 half a). Awaited on every path, or cancelled where not awaited, it is
    no finding; nor is one a closure awaits (it runs wherever it is called)."""
    root = package_project(tmp_path, {"waiter.py": WAITER})
    assert findings(root, "TRD3") == [
        "app/waiter.py:9:9 TRD302 task `waiter` from `asyncio.ensure_future(...)` is awaited on some paths"
        " only; cancel it on the others",
    ]
