"""Session 56: an object's own start that, failing, leaves it holding nothing.

``backend = Backend(url); await backend.__aenter__(); self.backend = backend``: when the only
``await`` between the creation and the hand-off is the object's own opening method, and that
method can fail only before it acquires anything (and the constructor made nothing the class
releases), a failing start drops an object that holds nothing (``models/resources/own_start.py``).
The same for ``__aenter__`` keeping ``self._logic = Logic(); return await
self._logic.__aenter__()``, whose other branch raises before anything is made.

An ``__aenter__`` that opens a part it holds (``await self.transport.connect()``) is judged by
what can fail on its way out after that, not by what comes later in the text: a ``raise`` in
the branch a ``return`` leaves behind is not on it.

Negative twins, still reported: a start that makes a client and then awaits a request with it, a
constructor that already made what the release closes, a start that awaits a method of its own
doing so, and another ``await`` after the clean start before the hand-off.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

STARTS = """\
import contextlib

import httpx


class Backend:
    def __init__(self, url):
        self._url = url.rstrip("/")
        self._client = None
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self):
        self._client = await self._stack.enter_async_context(httpx.AsyncClient(base_url=self._url))
        return self

    async def __aexit__(self, *exc):
        await self._stack.aclose()


def build_backend(url):
    options = {"url": url}
    return Backend(**options)


class Client:
    def __init__(self, url):
        self.url = url
        self._client = None

    async def open(self):
        if self._client is not None:
            raise RuntimeError("already open")
        self._client = httpx.AsyncClient(base_url=self.url, headers=self._headers())
        return self

    async def ping(self):
        await self._client.get("/ping")

    def _headers(self):
        return {"x-client": "demo"}

    async def close(self):
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class Pool:
    def __init__(self, url):
        self.url = url
        self._http = None

    async def open(self):
        self._http = httpx.AsyncClient(base_url=self.url)
        await self._http.get("/hello")

    async def close(self):
        await self._http.aclose()


class Eager:
    def __init__(self, url):
        self._http = httpx.AsyncClient(base_url=url)

    async def open(self):
        if self._http.is_closed:
            raise RuntimeError("closed")

    async def close(self):
        await self._http.aclose()


class Layered:
    def __init__(self, url):
        self.url = url
        self._http = None

    async def open(self):
        await self._connect()

    async def _connect(self):
        self._http = httpx.AsyncClient(base_url=self.url)
        await self._http.get("/hello")

    async def close(self):
        await self._http.aclose()


class Owner:
    async def with_backend(self, url):
        backend = Backend(url)
        await backend.__aenter__()
        self.backend = backend

    async def with_built_backend(self, url):
        backend = build_backend(url)
        await backend.__aenter__()
        self.backend = backend

    async def with_client(self, url):
        client = Client(url)
        await client.open()
        self.client = client

    async def with_pool(self, url):
        pool = Pool(url)
        await pool.open()
        self.pool = pool

    async def with_eager(self, url):
        eager = Eager(url)
        await eager.open()
        self.eager = eager

    async def with_layered(self, url):
        layered = Layered(url)
        await layered.open()
        self.layered = layered

    async def with_backend_checked(self, url):
        backend = Backend(url)
        await backend.__aenter__()
        await backend._client.get("/health")
        self.backend = backend

    async def with_client_pinged(self, url):
        client = Client(url)
        await client.open()
        await client.ping()
        self.pinged = client

    async def close(self):
        await self.backend.__aexit__(None, None, None)
        await self.client.close()
        await self.pool.close()
        await self.eager.close()
        await self.layered.close()
        await self.pinged.close()
"""

ENTERS = """\
import httpx


class Logic:
    def __init__(self, **options):
        self._options = dict(options)
        self._http = None
        self._alive = False

    async def __aenter__(self):
        if self._alive:
            raise RuntimeError("already open")
        self._http = httpx.AsyncClient(**self._options)
        self._alive = True
        return self

    async def __aexit__(self, *exc):
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        self._alive = False


class WarmLogic(Logic):
    async def __aenter__(self):
        self._http = httpx.AsyncClient(**self._options)
        await self._http.get("/warmup")
        return self


class Session:
    def __init__(self, **options):
        self._options = options
        self._logic = None

    async def __aenter__(self):
        if self._logic is None:
            self._logic = Logic(**self._options)
            return await self._logic.__aenter__()
        raise RuntimeError("this session is already open")

    async def __aexit__(self, *exc):
        if self._logic is not None:
            await self._logic.__aexit__(*exc)
            self._logic = None


class WarmSession(Session):
    async def __aenter__(self):
        if self._logic is None:
            self._logic = WarmLogic(**self._options)
            return await self._logic.__aenter__()
        raise RuntimeError("this session is already open")


class CheckedSession(Session):
    async def __aenter__(self):
        self._logic = Logic(**self._options)
        await self._logic.__aenter__()
        await self._logic._http.get("/health")
        return self._logic
"""

SCANNERS = """\
import aiohttp


class Radio:
    def __init__(self, adapter):
        self.adapter = adapter
        self._handle = None

    async def start(self):
        if self._handle is not None:
            raise RuntimeError("already scanning")
        self._handle = aiohttp.ClientSession(base_url=self.adapter)

    async def stop(self):
        if self._handle is not None:
            await self._handle.close()
            self._handle = None


class BusyRadio(Radio):
    async def start(self):
        self._handle = aiohttp.ClientSession(base_url=self.adapter)
        await self._handle.get("/flush")


class Controller:
    def __init__(self, adapter):
        self.adapter = adapter
        self._scanner = None

    async def __aenter__(self):
        await self.async_start()
        return self

    async def __aexit__(self, *exc):
        await self.async_stop()

    async def async_start(self):
        self._scanner = Radio(self.adapter)
        await self._scanner.start()

    async def async_stop(self):
        if self._scanner is not None:
            await self._scanner.stop()


class BusyController(Controller):
    async def async_start(self):
        self._scanner = BusyRadio(self.adapter)
        await self._scanner.start()
"""

OPENED = """\
import httpx


class Transport:
    def __init__(self, url):
        self.url = url
        self._http = None

    async def connect(self):
        self._http = httpx.AsyncClient(base_url=self.url)
        await self._http.get("/hello")

    async def close(self):
        await self._http.aclose()


class Client:
    def __init__(self, transport):
        self.transport = transport
        self.schema = None

    async def __aenter__(self):
        if self.schema is None:
            await self.transport.connect()
            self.schema = await self.transport._http.get("/schema")
            return self
        raise RuntimeError("already entered")

    async def __aexit__(self, *exc):
        await self.transport.close()


class QuickClient(Client):
    async def __aenter__(self):
        if self.schema is None:
            await self.transport.connect()
            return self
        raise RuntimeError("already entered")

    async def __aexit__(self, *exc):
        await self.transport.close()
"""

SUPER = """\
import httpx


class Base:
    def __init__(self, url):
        self.url = url
        self._http = None

    async def __aenter__(self):
        self._http = httpx.AsyncClient(base_url=self.url)
        return self

    async def __aexit__(self, *exc):
        await self._http.aclose()


class Child(Base):
    async def __aenter__(self):
        await super().__aenter__()
        if not self.url.startswith("https"):
            raise ValueError("plain http")
        return self


class Owner:
    async def setup(self, url):
        base = Base(url)
        await base.__aenter__()
        self.base = base

    async def setup_child(self, url):
        child = Child(url)
        await child.__aenter__()
        self.child = child

    async def close(self):
        await self.base.__aexit__(None, None, None)
        await self.child.__aexit__(None, None, None)
"""

PROPERTY = """\
import httpx


class Store:
    def __init__(self, url):
        self.url = url
        self._http = None
        self._ready = False

    @property
    def http(self):
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.url)
        return self._http

    async def initialize(self):
        if self._ready:
            return
        await self.http.post("/schema")
        self._ready = True

    async def close(self):
        if self._http is not None:
            await self._http.aclose()
            self._http = None


async def init_store(url):
    store = Store(url)
    await store.initialize()
    return store
"""

SWALLOWED = """\
import logging

import httpx

log = logging.getLogger(__name__)


class Cache:
    def __init__(self, url):
        self.url = url
        self._http = None

    async def connect(self):
        if self._http is not None:
            raise RuntimeError("already connected")
        self._http = httpx.AsyncClient(base_url=self.url)

    async def ping(self):
        await self._http.get("/ping")

    async def close(self):
        if self._http is not None:
            await self._http.aclose()


class CheckedCache(Cache):
    async def connect(self):
        self._http = httpx.AsyncClient(base_url=self.url)
        await self._http.get("/ping")


class Bot:
    async def setup(self, url):
        try:
            cache = Cache(url)
            await cache.connect()
            self.cache = cache
        except Exception:
            log.exception("no cache")

    async def setup_checked(self, url):
        try:
            cache = CheckedCache(url)
            await cache.connect()
            self.checked = cache
        except Exception:
            log.exception("no cache")

    async def setup_pinged(self, url):
        try:
            cache = Cache(url)
            await cache.connect()
            await cache.ping()
            self.pinged = cache
        except Exception:
            log.exception("no cache")

    async def close(self):
        await self.cache.close()
        await self.checked.close()
        await self.pinged.close()
"""


def test_a_start_that_fails_before_it_acquires_loses_nothing(tmp_path: Path) -> None:
    # ``with_backend`` (one ``enter_async_context`` kept, nothing after; an exit stack made in
    # ``__init__`` holds nothing), ``with_built_backend`` (made by a function returning one) and
    # ``with_client`` (a ``raise`` before the client is made) are not reported. ``Pool.open()``
    # awaits a request after making its client, ``Eager`` made it in ``__init__``, ``Layered``'s
    # start awaits its own ``_connect()`` that does as ``Pool``, and ``with_backend_checked``
    # awaits a request after the clean start, ``with_client_pinged`` awaits a method of the
    # client after its clean start (no longer its first use): still reported.
    message = "leaks if an `await` before it is stored raises; close it on that error"
    assert source_findings(tmp_path, STARTS, "TRD201") == [
        f"106:9 TRD201 `self.pool` (`Pool(...)`) {message}",
        f"111:9 TRD201 `self.eager` (`Eager(...)`) {message}",
        f"116:9 TRD201 `self.layered` (`Layered(...)`) {message}",
        f"121:9 TRD201 `self.backend` (`Backend(...)`) {message}",
        f"127:9 TRD201 `self.pinged` (`Client(...)`) {message}",
    ]


def test_an_enter_whose_only_failure_after_the_creation_is_the_clean_start_loses_nothing(tmp_path: Path) -> None:
    # ``Session.__aenter__``: after ``self._logic = Logic(...)`` only ``return await
    # self._logic.__aenter__()`` runs (the ``raise`` is the other branch's); ``Logic.__aenter__``
    # raises before it makes its client. ``WarmLogic`` awaits a request after making its client
    # (reported itself, and through ``WarmSession``); ``CheckedSession`` awaits a request after
    # the start.
    message = "leaks when `__aenter__()` fails after making it; close it there before re-raising"
    assert source_findings(tmp_path, ENTERS, "TRD202") == [
        f"26:9 TRD202 `self._http` {message}",
        f"51:13 TRD202 `self._logic` {message}",
        f"58:9 TRD202 `self._logic` {message}",
    ]


def test_an_enter_reaching_the_clean_start_through_its_own_method_loses_nothing(tmp_path: Path) -> None:
    # ``Controller.__aenter__`` awaits ``async_start()``, which makes the radio and awaits its
    # ``start()`` last: that raises before it opens a session. ``BusyRadio.start()`` awaits a
    # request after opening one.
    assert source_findings(tmp_path, SCANNERS, "TRD202") == [
        "49:9 TRD202 `self._scanner` leaks when `__aenter__()` fails after making it; close it there before re-raising",
    ]


def test_an_enter_opening_a_held_part_is_judged_on_its_way_out_not_by_line_order(tmp_path: Path) -> None:
    # ``Client.__aenter__`` awaits a request after the transport's connect: reported.
    # ``QuickClient.__aenter__`` returns right after it; the ``raise`` below is the other
    # branch's, which opened nothing.
    assert source_findings(tmp_path, OPENED, "TRD202") == [
        "24:13 TRD202 `self.transport` is left open when `__aenter__()` fails after opening it; close it there before re-raising",
    ]


def test_a_start_through_a_base_method_is_not_read(tmp_path: Path) -> None:
    # ``Child.__aenter__`` awaits ``super().__aenter__()`` (which makes the client) and then may
    # raise: what the base's method acquires is not read as nothing.
    assert source_findings(tmp_path, SUPER, "TRD201") == [
        "32:9 TRD201 `self.child` (`Child(...)`) leaks if an `await` before it is stored raises; close it on that error",
    ]


def test_a_property_that_makes_the_client_is_an_acquisition(tmp_path: Path) -> None:
    # ``initialize()`` reads ``self.http``, a property that makes the client, and awaits a request
    # with it: failing there, the store holds an open client.
    assert source_findings(tmp_path, PROPERTY, "TRD201") == [
        "29:5 TRD201 `store` (`Store(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


def test_a_clean_start_whose_error_is_caught_leaves_nothing_open(tmp_path: Path) -> None:
    # ``setup()``: ``connect()`` raises before it makes the client, and the ``except`` that goes
    # on loses nothing. ``CheckedCache.connect()`` pings after making it; ``setup_pinged()`` pings
    # after the clean start: the caught error leaves the client open.
    message = "leaks when an error before it is stored is caught; close it in that `except`"
    assert source_findings(tmp_path, SWALLOWED, "TRD201") == [
        f"43:13 TRD201 `self.checked` (`CheckedCache(...)`) {message}",
        f"51:13 TRD201 `self.pinged` (`Cache(...)`) {message}",
    ]
