"""Session 51's rule of ``scripts/make_resource_table.py`` (``resource_lifetimes.py``): a method
that releases what its class holds is no release of it when it makes that holding itself, or is a
generator. Each shape on a small library written here, beside the twin whose release, named as
oddly, ends a holding another method makes, and stays:

- a run loop that connects through a method it awaits and closes the socket in its ``finally``
  (aiolocust's ``WebsocketUser.run``); twin: ``run()`` reading what ``connect()`` opened;
- one that runs its base's loop (``super().run()``), whose work goes through a method the
  subclass overrides to make the session (aiobrute's ``HTTPWorker``); twin: the session made in
  ``__init__``;
- a reconnect: ``recover()`` closes the socket, then awaits ``run()``, which connects again
  (binance-ws-async); twins: a ``recover()`` that only closes, a ``close()`` reaching a reconnect
  only in an ``except`` (aiorabbit), a ``release_all()`` making a new, empty ``AsyncExitStack``
  after closing the old one;
- a holding that holds nothing until its own method makes what it holds: discord-aio's
  ``DiscordBot.run()`` runs ``_start()``, which calls ``self.http.create_session()``, and ``exit()``
  is the release; aiohttp's ``AppRunner``, opened by ``setup()``; twins: ``run()`` only requesting,
  a ``start_runner()`` that does not set the runner up;
- a make under a test of the holding itself (get or make): a coroutine reaching one uses what is
  held (async-xenapi's ``logout()``; reolink's ``if <connected>: return`` first), a plain method
  driving a loop of its own through one makes it (aiotg's ``Bot.run()``); twin: a plain method
  closing through the property alone;
- a generator: an async generator's ``finally`` (aiokafka-service-secretaria's ``consume()``: the
  public session nothing else ends is then the part rule's), an ``@asynccontextmanager`` method
  (aiomonobnk's ``context()``, whose ``__aexit__`` closes the session: the part rule's
  ``session.close``, as aiogram's ``Bot``); twins: a coroutine, and generator-based coroutines
  (``@asyncio.coroutine`` with ``yield from``, Twisted's ``@inlineCallbacks``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

from tests.test_library_table_rules import _entries, _write


def _types(tmp_path: Path, name: str, source: str, files: dict[str, str] | None = None) -> dict[str, tuple[str, bool, bool, str]]:
    folder = _write(tmp_path, f"{name}-1.0", {f"{name}/__init__.py": "", f"{name}/client.py": source, **(files or {})})
    return _entries(gen.generate([folder]))


RUN_LOOP = '''\
import asyncio

import websockets


class User:
    def __init__(self, host):
        self.host = host
        self.websocket = None

    async def on_start(self):
        await self.connect()

    async def connect(self):
        self.websocket = await websockets.connect(self.host)

    async def receive(self):
        return await self.websocket.recv()

    async def run(self):
        try:
{opening}
            while True:
                await self.receive()
        finally:
            if self.websocket:
                await self.websocket.close()
'''


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        # it connects itself (through ``on_start()``, then ``connect()``): it holds nothing between calls
        ("            await self.on_start()", {}),
        # twin: it reads what ``connect()`` opened, and is the only method ending it
        ("            assert self.websocket", {"loclib.client.User": ("run", True, True, "owner")}),
    ],
)
def test_a_run_loop_that_connects_through_a_method_it_runs_is_no_release(tmp_path: Path, opening: str, expected: dict[str, object]) -> None:
    assert _types(tmp_path, "loclib", RUN_LOOP.format(opening=opening)) == expected


WORKER = '''\
import asyncio


class Worker:
    def run(self):
        asyncio.run(self.handle_workers())

    async def handle_workers(self):
        return None
'''

HTTP_WORKER = '''\
import asyncio

import aiohttp

from brutelib.worker import Worker


class HTTPWorker(Worker):
    def __init__(self):
        self.http_session = {made_in_init}

    def run(self):
        super().run()
        asyncio.run(self.http_session.close())

    async def handle_workers(self):
{handle}        return await super().handle_workers()
'''


@pytest.mark.parametrize(
    ("made_in_init", "handle", "expected"),
    [
        # its base's ``run()`` runs the override of ``handle_workers()``, which makes the session anew
        (
            "None",
            "        if self.http_session is not None:\n            await self.http_session.close()\n"
            "        self.http_session = aiohttp.ClientSession()\n",
            {},
        ),
        # twin: made in ``__init__``, ended by ``run()`` alone
        ("aiohttp.ClientSession()", "", {"brutelib.client.HTTPWorker": ("run", False, False, "owner")}),
    ],
)
def test_a_run_through_its_bases_loop_that_makes_the_session_is_no_release(
    tmp_path: Path, made_in_init: str, handle: str, expected: dict[str, object]
) -> None:
    source = HTTP_WORKER.format(made_in_init=made_in_init, handle=handle)
    assert _types(tmp_path, "brutelib", source, {"brutelib/worker.py": WORKER}) == expected


RECOVER = '''\
import asyncio

import websockets


class Stream:
    def __init__(self):
        self._ws = None

    async def run(self):
        while True:
            try:
                self._ws = await websockets.connect("wss://example.invalid/stream")
                break
            except OSError:
                await asyncio.sleep(1)

    async def recover(self):
        if self._ws:
            await self._ws.close()
{again}'''


@pytest.mark.parametrize(
    ("again", "expected"),
    [
        # it closes the socket and connects again: the instance holds a new one when it returns
        ("        await self.run()\n", {}),
        # twin: a ``recover()`` that only closes is the release, oddly named
        ("        self._ws = None\n", {"wslib.client.Stream": ("recover", True, True, "owner")}),
    ],
)
def test_a_reconnect_is_no_release(tmp_path: Path, again: str, expected: dict[str, object]) -> None:
    assert _types(tmp_path, "wslib", RECOVER.format(again=again)) == expected


CHANNEL = '''\
import asyncio


class Channel:
    def __init__(self, host):
        self._host = host
        self._transport = None

    async def connect(self):
        self._transport, _ = await asyncio.get_running_loop().create_connection(asyncio.Protocol, self._host, 5672)

    async def _reconnect(self):
        await self.connect()

    async def _send(self, frame):
        try:
            self._transport.write(frame)
        except ConnectionError:
            await self._reconnect()

    async def close(self):
        if self._transport is not None:
            await self._send(b"close")
            self._transport.close()
'''

SCOPE = '''\
from contextlib import AsyncExitStack


class Scope:
    def __init__(self):
        self._stack = AsyncExitStack()

    async def release_all(self):
        await self._stack.aclose()
        self._stack = AsyncExitStack()
'''


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # ``close()`` reaches ``connect()`` only in an ``except`` (a reconnect on an error)
        (CHANNEL, {"amqplib.client.Channel": ("close", True, True, "owner")}),
        # a new ``AsyncExitStack`` holds nothing until something is entered in it
        (SCOPE, {"amqplib.client.Scope": ("release_all", True, False, "owner")}),
    ],
)
def test_a_reconnect_on_an_error_path_or_an_empty_stack_made_again_is_no_make(tmp_path: Path, source: str, expected: dict[str, object]) -> None:
    assert _types(tmp_path, "amqplib", source) == expected


HANDLER = '''\
import aiohttp


class HTTPHandler:
    def __init__(self, token):
        self.token = token
        self.session = None

    async def create_session(self):
        self.session = aiohttp.ClientSession(headers={"Authorization": self.token})

    async def request(self, url):
        async with self.session.get(url) as response:
            return await response.json()

    async def close_session(self):
        await self.session.close()
'''

BOT = '''\
import asyncio

from botlib.http import HTTPHandler


class Bot:
    def __init__(self, token):
        self.http = HTTPHandler(token)
        self.loop = asyncio.new_event_loop()

    def run(self):
        try:
            self.loop.run_until_complete(self._start())
        finally:
            self.loop.run_until_complete(self.http.close_session())

    async def _start(self):
{start}
{exit}'''

EXIT = '''
    async def exit(self):
        await self.http.close_session()
'''


@pytest.mark.parametrize(
    ("start", "exit", "expected"),
    [
        # ``run()`` opens the handler (``create_session()`` makes what it holds) and ends it: ``exit()``
        ("        await self.http.create_session()", EXIT, ("exit", True, True, "owner")),
        ("        await self.http.create_session()", "", None),
        # twin: ``run()`` requests through a handler opened elsewhere, and stays the first release
        ("        await self.http.request('/gateway')", EXIT, ("run", False, True, "owner")),
    ],
)
def test_a_method_opening_a_holding_by_its_own_maker_is_no_release(tmp_path: Path, start: str, exit: str, expected: tuple[object, ...] | None) -> None:
    types = _types(tmp_path, "botlib", BOT.format(start=start, exit=exit), {"botlib/http.py": HANDLER})
    assert types.pop("botlib.http.HTTPHandler") == ("close_session", True, True, "owner")
    assert types.get("botlib.client.Bot") == expected


APPLICATION = '''\
import asyncio

from aiohttp import web


class Application(web.Application):
    def __init__(self):
        super().__init__()
        self._runner = web.AppRunner(self)
        self._loop = asyncio.new_event_loop()

    def run(self):
        self._loop.run_until_complete(self.start_runner())
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._runner.cleanup())

    async def start_runner(self):
{start}
'''


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # ``setup()`` is what opens an ``AppRunner``
        ("        await self._runner.setup()", {}),
        ("        await asyncio.sleep(0)", {"applib.client.Application": ("run", False, False, "owner")}),
    ],
)
def test_a_plain_run_setting_up_its_runner_is_no_release(tmp_path: Path, start: str, expected: dict[str, object]) -> None:
    assert _types(tmp_path, "applib", APPLICATION.format(start=start)) == expected


XENAPI = '''\
import aiohttp


class Session:
    def __init__(self, url):
        self._url = url
        self._http = None
        self._ref = None

    def _ensure_http(self):
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def _post(self, payload):
        http = self._ensure_http()
        async with http.post(self._url, json=payload) as response:
            return await response.json()

    async def login(self, user, password):
        self._ref = (await self._post({"login": [user, password]}))["result"]

    async def logout(self):
        await self._post({"logout": [self._ref]})
        self._ref = None
        if self._http and not self._http.closed:
            await self._http.close()
            self._http = None
'''

CAMERA = '''\
import asyncio


class Camera:
    def __init__(self, host):
        self._host = host
        self._loop = asyncio.get_event_loop()
        self._transport = None
        self._protocol = None
        self._logged_in = False

    async def _connect_if_needed(self):
        if self._transport is not None and not self._transport.is_closing():
            return
        self._transport, self._protocol = await self._loop.create_connection(asyncio.Protocol, self._host, 9000)

    async def send(self, body):
        await self._connect_if_needed()
        self._transport.write(body)

    async def login(self):
        await self.send(b"login")
        self._logged_in = True

    async def logout(self):
        await self.send(b"logout")
        self._transport.close()
        self._transport = None
'''

POLLING_BOT = '''\
import asyncio

import aiohttp


class Bot:
    def __init__(self, token):
        self.token = token
        self._session = None
        self._running = False

    @property
    def session(self):
        if not self._session or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _api_call(self, method):
        async with self.session.post(method) as response:
            return await response.json()

    async def loop(self):
        self._running = True
        while self._running:
            await self._api_call("getUpdates")

    def run(self):
        loop = asyncio.get_event_loop()
        try:
{work}
        finally:
            loop.run_until_complete(self.session.close())
'''


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        # a coroutine ending what ``login()`` made, through the get-or-make it posts with, stays
        ("xenlib", XENAPI, {"xenlib.client.Session": ("logout", True, True, "owner")}),
        # (made after ``if <connected>: return``)
        ("camlib", CAMERA, {"camlib.client.Camera": ("logout", True, True, "owner")}),
        # a plain method running the polling coroutine on its own loop makes the session itself
        ("tglib", POLLING_BOT.format(work="            loop.run_until_complete(self.loop())"), {}),
        # twin: a plain method that only closes it (through the property) stays
        ("tglib", POLLING_BOT.format(work="            pass"), {"tglib.client.Bot": ("run", False, True, "owner")}),
    ],
)
def test_a_make_under_a_test_of_the_holding_counts_for_a_plain_method_only(tmp_path: Path, name: str, source: str, expected: dict[str, object]) -> None:
    assert _types(tmp_path, name, source) == expected


CONSUMER = '''\
import aiohttp


class Consumer:
    def __init__(self):
        self.stream = aiohttp.ClientSession()

    async def {name}(self):
        try:
            async with self.stream.get("/events") as response:
                {body}
        finally:
            await self.stream.close()
'''

CONTEXT = '''\
from contextlib import asynccontextmanager

import aiohttp


class Client:
    def __init__(self, token):
        self.session = aiohttp.ClientSession(headers={"token": token})

    @asynccontextmanager
    async def context(self, auto_close=True):
        try:
            yield self
        finally:
            if auto_close:
                await self.session.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.session.close()
'''


LEGACY = '''\
import asyncio

import aiohttp


class Transport:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    @asyncio.coroutine
    def close(self):
        if not self.session.closed:
            yield from self.session.close()
'''


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # an async generator: calling it runs nothing, its ``finally`` runs when its iteration ends
        # (the session, a public attribute nothing else ends, is the part rule's)
        (CONSUMER.format(name="consume", body="yield await response.read()"), {"genlib.client.Consumer": ("stream.close", True, False, "part")}),
        # twins: a coroutine, oddly named, is the release, and so is a generator-based coroutine
        (CONSUMER.format(name="drain", body="await response.read()"), {"genlib.client.Consumer": ("drain", True, False, "owner")}),
        (LEGACY, {"genlib.client.Transport": ("close", False, False, "owner")}),
        (LEGACY.replace("asyncio.coroutine", "defer.inlineCallbacks").replace("yield from", "yield"), {"genlib.client.Transport": ("close", False, False, "owner")}),
        # an ``@asynccontextmanager`` method: the part its ``__aexit__`` closes is the release
        (CONTEXT, {"genlib.client.Client": ("session.close", True, False, "part")}),
    ],
)
def test_a_generator_is_no_release(tmp_path: Path, source: str, expected: dict[str, object]) -> None:
    assert _types(tmp_path, "genlib", source) == expected


def test_the_rule_off_keeps_the_first_releaser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (what the table had before: the run loop is the release)
    monkeypatch.setattr(gen, "LIFETIME_RULE", False)
    assert _types(tmp_path, "loclib", RUN_LOOP.format(opening="            await self.on_start()")) == {
        "loclib.client.User": ("run", True, True, "owner")
    }
