"""Session 37 (issue 28 point 1): two rules of ``scripts/make_resource_table.py`` that unseen fix
commits showed missing, each on a small made-up library beside its negative twin:

- **entered**: a context manager whose ``__aenter__`` returns a new object after binding an
  attribute of it to the manager's own exit (Playwright's ``PlaywrightContextManager``:
  ``playwright.stop = self.__aexit__``) makes that object's type a resource released by that
  attribute; a public coroutine method whose every ``return`` is ``await self.__aenter__()``
  (``start()``) makes one, and a public function returning the manager (``async_playwright()``)
  types the receiver of that maker (the table's ``returns``);
- **finalizer**: a class whose ``__del__`` ends what it holds and whose public release coroutine
  awaits that same release of that same holding (grpc's ``aio.Server``: ``__del__`` schedules
  ``self._server.shutdown(None)``, ``stop(grace)`` awaits ``self._server.shutdown(grace)``) is a
  resource released by that coroutine, though it takes an argument.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

DRIVER = {
    "driverlib/__init__.py": '''\
from driverlib._manager import DriverManager
from driverlib._api import Driver, Twin


def async_driver() -> DriverManager:
    return DriverManager()


def twin_manager():
    return TwinManager()


from driverlib._manager import TwinManager, SelfManager
''',
    "driverlib/_api.py": '''\
class Driver:
    def __init__(self, impl):
        self._impl = impl

    async def stop(self) -> None:
        """Replaced by the manager's exit on every instance it hands out."""


class Twin:
    def __init__(self, impl):
        self._impl = impl
''',
    "driverlib/_manager.py": '''\
from driverlib._api import Driver as AsyncDriver, Twin


async def _start():
    return object()


class DriverManager:
    def __init__(self):
        self._client = None

    async def __aenter__(self) -> AsyncDriver:
        self._client = await _start()
        driver = AsyncDriver(self._client)
        driver.stop = self.__aexit__
        return driver

    async def start(self) -> AsyncDriver:
        return await self.__aenter__()

    async def __aexit__(self, *args):
        await self._client.stop()


class TwinManager:
    """The twin: ``__aenter__`` hands out a new object but binds no release to it, so only the
    manager ends it (no entry of the object's type can say that)."""

    def __init__(self):
        self._client = None

    async def __aenter__(self):
        self._client = await _start()
        twin = Twin(self._client)
        return twin

    async def start(self):
        return await self.__aenter__()

    async def __aexit__(self, *args):
        await self._client.stop()


class SelfManager:
    """The twin: ``__aenter__`` returns the manager itself (the protocol rule's, with no public
    release here: nothing)."""

    async def __aenter__(self):
        self.stop = self.__aexit__
        return self

    async def __aexit__(self, *args):
        print("bye")
''',
}

SERVERS = {
    "rpclib/__init__.py": "from rpclib._server import Server, server, Plain, Warned\n",
    "rpclib/_server.py": '''\
from rpclib import _native


class Server:
    def __init__(self, options):
        self._server = _native.Server(options)

    def add_port(self, address):
        return self._server.add_port(address)

    async def start(self):
        await self._server.start()

    async def stop(self, grace):
        """Stops serving; ``grace`` seconds for the calls in flight."""
        await self._server.shutdown(grace)

    def __del__(self):
        if hasattr(self, "_server") and self._server.is_running():
            _native.schedule(self._server.shutdown(None))


def server(options=None):
    return Server(() if options is None else options)


class Plain:
    """The twin: its finalizer ends the holding, but no coroutine of it awaits that release
    (``stop()`` ends something else)."""

    def __init__(self):
        self._server = _native.Server(())
        self._log = _native.Log()

    async def stop(self):
        await self._log.flush_close()

    def __del__(self):
        self._server.shutdown(None)


class Warned:
    """The twin: its finalizer only warns."""

    def __init__(self):
        self._server = _native.Server(())

    async def stop(self, grace):
        await self._server.shutdown(grace)

    def __del__(self):
        if self._server.is_running():
            print("not stopped")
''',
    "rpclib/_native.py": '''\
class Server:
    def __init__(self, options):
        self.options = options


class Log:
    pass


def schedule(coro):
    return coro
''',
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_an_entered_object_whose_release_the_manager_binds(tmp_path: Path) -> None:
    folder = tmp_path / "driverlib-1.0"
    _write(folder, DRIVER)
    makers: dict[str, gen.Maker] = {}
    typed: dict[str, tuple[str, str]] = {}
    found = gen.generate([folder], makers=makers, typed=typed)
    assert {name: (e.close, e.awaited, e.lazy, e.rule) for name, e in found.items()} == {
        "driverlib.Driver": ("stop", True, False, "entered"),
        "driverlib._api.Driver": ("stop", True, False, "entered"),
    }
    # Known only on a receiver typed as the manager: ``start`` names many classes' methods.
    assert {name: (m.returns, m.is_async, m.by_name) for name, m in makers.items()} == {
        "driverlib._manager.DriverManager.start": ("driverlib._api.Driver", True, False),
    }
    # ``twin_manager()`` returns a manager with no maker: not typed.
    assert typed == {"driverlib.async_driver": ("driverlib._manager.DriverManager", "driverlib-1.0")}


def test_a_finalized_holding_and_its_release_with_an_argument(tmp_path: Path) -> None:
    folder = tmp_path / "rpclib-1.0"
    _write(folder, SERVERS)
    found = gen.generate([folder])
    assert {name: (e.close, e.awaited, e.lazy, e.rule) for name, e in found.items()} == {
        "rpclib.Server": ("stop", True, True, "finalizer"),
        "rpclib._server.Server": ("stop", True, True, "finalizer"),
        "rpclib._server.server": ("stop", True, True, "factory"),
        "rpclib.server": ("stop", True, True, "factory"),
    }


# The checker, on the table the rules above read from Playwright and grpcio.

from tests.conftest import source_findings  # noqa: E402


def _check(tmp_path: Path, source: str, name: str = "worker.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


STARTED = """\
from playwright.async_api import async_playwright


async def installed() -> bool:
    playwright = await async_playwright().start()
    {body}
"""


def test_a_playwright_driver_started_by_hand_and_never_stopped(tmp_path: Path) -> None:
    """Gerapy/GerapyPlaywright ``d8c2f5c2``: ``start()`` enters the manager by hand, and the
    driver it hands out is released by the ``stop`` the manager bound to its own exit."""
    body = "return bool(playwright.chromium.executable_path)"
    assert _check(tmp_path, STARTED.format(body=body)) == [
        "5:5 TRD201 `playwright` (`async_playwright().start(...)`) is never closed; call `await playwright.stop()` in a `finally`",
    ]


def test_a_playwright_driver_stopped_in_finally_or_entered_with_async_with(tmp_path: Path) -> None:
    body = "try:\n        return bool(playwright.chromium.executable_path)\n    finally:\n        await playwright.stop()"
    assert _check(tmp_path, STARTED.format(body=body)) == []
    entered = """\
from playwright.async_api import async_playwright


async def installed() -> bool:
    async with async_playwright() as p:
        browser = await p.chromium.launch()
        return bool(browser)
"""
    assert _check(tmp_path, entered, "entered.py") == []


def test_a_start_of_another_receiver_makes_no_playwright(tmp_path: Path) -> None:
    """``start`` is many classes' verb (Playwright's own ``context.tracing.start()``): only a
    receiver known to be the manager makes a driver."""
    source = """\
from playwright.async_api import BrowserContext


async def trace(context: BrowserContext, server) -> None:
    await context.tracing.start(screenshots=True)
    await server.start()
"""
    assert _check(tmp_path, source) == []


GLOBAL = """\
from typing import Optional

from playwright.async_api import Browser, Playwright, async_playwright

_browser: Optional[Browser] = None
_playwright: Optional[Playwright] = None


async def init() -> Browser:
    global _browser
    global _playwright
    _playwright = await async_playwright().start()
    _browser = await _playwright.chromium.launch()
    return _browser


async def shutdown_browser():
    if _browser:
        await _browser.close()
    if _playwright:
        {stop}
"""


def test_a_module_global_driver_whose_stop_is_never_awaited(tmp_path: Path) -> None:
    """kexue-z/nonebot-plugin-htmlrender ``9c3788f8``: the shutdown hook calls
    ``_playwright.stop()`` without ``await``; its twin awaits it."""
    assert _check(tmp_path, GLOBAL.format(stop="_playwright.stop()")) == [
        "12:5 TRD201 module global `_playwright` (`async_playwright().start(...)`) is never closed; close it at shutdown",
        "21:9 TRD205 `_playwright.stop()` is never awaited, so it closes nothing; await it",
    ]
    assert _check(tmp_path, GLOBAL.format(stop="await _playwright.stop()"), "awaited.py") == []


SERVED = """\
from contextlib import asynccontextmanager

import grpc


class Session:
    @asynccontextmanager
    async def serve_port_async(self, port):
        server = grpc.aio.server()
        server.add_insecure_port(port)
        await server.start()
{end}
"""


def test_a_grpc_server_stopped_after_yield_outside_finally(tmp_path: Path) -> None:
    """jumpstarter-dev/jumpstarter ``9b2b9cf9``: an ``@asynccontextmanager`` stops its server after
    ``yield`` but not in a ``finally``, so an error in the ``async with`` block leaves it serving;
    ``stop(grace)`` is its release though it takes an argument."""
    end = "        yield\n        await server.stop(grace=None)"
    assert _check(tmp_path, SERVED.format(end=end)) == [
        "9:9 TRD201 `server` (`grpc.aio.server(...)`) is closed outside `finally`; move `server.stop()` into a `finally`",
    ]
    end = "        try:\n            yield\n        finally:\n            await server.stop(grace=None)"
    assert _check(tmp_path, SERVED.format(end=end), "stopped.py") == []


BOUND = """\
from playwright.async_api import async_playwright


async def start_session(url, sessions):
    manager = async_playwright()
    driver = await manager.start()
    {store}
    browser = await driver.chromium.connect_over_cdp(url)
    sessions["browser"] = browser
    {late}
"""


def test_a_driver_from_a_manager_bound_to_a_local(tmp_path: Path) -> None:
    """dgtlmoon/changedetection.io (a tree of ``494385a3``'s parent): the manager is bound to a
    local first, then started; the driver leaks if connecting raises before it is stored. Its
    twin stores the driver before the ``await``."""
    assert _check(tmp_path, BOUND.format(store="", late='sessions["driver"] = driver')) == [
        "6:5 TRD201 `driver` (`manager.start(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]
    assert _check(tmp_path, BOUND.format(store='sessions["driver"] = driver', late=""), "stored.py") == []


def test_a_library_read_twice_in_one_process_gives_the_same_entries(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "driverlib-1.0", tmp_path / "b" / "driverlib-1.0"
    _write(first, DRIVER)
    _write(second, DRIVER)
    makers: dict[str, gen.Maker] = {}
    assert set(gen.generate([first])) == set(gen.generate([second], makers=makers))
    assert set(makers) == {"driverlib._manager.DriverManager.start"}
