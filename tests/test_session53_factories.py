"""Session 53: resources a first-party function or class factory hands back.

* A helper that unpacks a maker's tuple and returns those names in a tuple of its own
  (``reader, writer = await asyncio.open_connection(host, port); ...; return reader, writer``)
  hands the caller the resource in the same place: ``reader, writer = await open_irc(host)``
  binds the writer, which the caller must close. Not when the helper keeps or ends it itself.
  The same in a method: ``reader, writer = await initiator.connect()`` of a local made from a
  first-party class whose ``connect()`` returns the unpacked pair, or a class method's.
* An asynchronous class-method factory that makes the instance and awaits a method of it before
  returning it (``manager = cls(urls); await manager.connect_all(); return manager``) hands on an
  instance already in use, as a module function's factory does: a lazy type made so holds what
  it opens from the start. A factory that awaits nothing on it hands on one still unopened.
* A local set to ``None`` after its close (``browser = None``) is no other type: what a library
  maker it was bound from says the receiver is still holds (``context = await
  browser.new_context()`` is a Playwright context), nor another value: a browser launched from a
  driver that ``async with`` stops is still ended with it.
* ``s = await make(url); if s is None: return ...`` before the ``try`` that closes it: the exit
  is taken only when the maker (one that returns ``None`` on some path) made nothing; no leak.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings, tree_findings

_check = partial(tree_findings, project=True)

HELPER = """\
import asyncio


async def open_irc(host: str, port: int):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(b"NICK bot\\r\\n")
        await writer.drain()
    except BaseException:
        writer.close()
        raise
    return reader, writer
"""


def test_a_tuple_unpacked_part_handed_on_is_the_callers(tmp_path: Path) -> None:
    caller = HELPER + """

async def chat(host: str) -> bytes:
    reader, writer = await open_irc(host, 6667)
    return await reader.readline()
"""
    assert source_findings(tmp_path, caller, "TRD201") == [
        "16:5 TRD201 `writer` (`open_irc(...)`) is never closed; call `writer.close()` in a `finally`"
    ]


def test_the_caller_closing_the_part_is_clean(tmp_path: Path) -> None:
    caller = HELPER + """

async def chat(host: str) -> bytes:
    reader, writer = await open_irc(host, 6667)
    try:
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
"""
    assert source_findings(tmp_path, caller, "TRD201") == []


def test_a_helper_that_keeps_the_part_hands_nothing_on(tmp_path: Path) -> None:
    source = """\
import asyncio

WRITERS = []


async def open_irc(host: str, port: int):
    reader, writer = await asyncio.open_connection(host, port)
    WRITERS.append(writer)
    return reader, writer


async def chat(host: str) -> bytes:
    reader, writer = await open_irc(host, 6667)
    return await reader.readline()
"""
    assert [f for f in source_findings(tmp_path, source, "TRD201") if f.startswith("13:")] == []


INITIATOR = """\
import asyncio


class Initiator:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    async def connect(self):
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return reader, writer

    @classmethod
    async def open(cls, host: str):
        reader, writer = await asyncio.open_connection(host, 80)
        return reader, writer
"""


def test_a_method_returning_an_unpacked_pair_hands_on_the_part(tmp_path: Path) -> None:
    source = INITIATOR + """

async def handshake(host: str) -> bytes:
    initiator = Initiator(host, 30303)
    reader, writer = await initiator.connect()
    writer.write(b"auth")
    return await reader.read(100)


async def ping(host: str) -> bytes:
    reader, writer = await Initiator.open(host)
    return await reader.read(1)
"""
    assert source_findings(tmp_path, source, "TRD201") == [
        "21:5 TRD201 `writer` (`initiator.connect(...)`) is never closed; call `writer.close()` in a `finally`",
        "27:5 TRD201 `writer` (`Initiator.open(...)`) is never closed; call `writer.close()` in a `finally`",
    ]


def test_the_method_made_part_closed_is_clean(tmp_path: Path) -> None:
    source = INITIATOR + """

async def handshake(host: str) -> bytes:
    initiator = Initiator(host, 30303)
    reader, writer = await initiator.connect()
    try:
        writer.write(b"auth")
        return await reader.read(100)
    finally:
        writer.close()
"""
    assert source_findings(tmp_path, source, "TRD201") == []


MANAGER = """\
import aiohttp


class ToolManager:
    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.session = None
        self.tools: list[str] = []

    async def connect_all(self) -> None:
        self.session = aiohttp.ClientSession()
        for url in self.urls:
            async with self.session.get(url) as response:
                self.tools.append(await response.text())

    def tool_names(self) -> list[str]:
        return list(self.tools)

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    @classmethod
    async def from_config(cls, urls: list[str]):
        if not urls:
            return None
        manager = cls(urls)
        OPEN
        return manager
"""


def _manager(tmp_path: Path, run: str, opening: str = "await manager.connect_all()") -> list[str]:
    files = {"svc/__init__.py": "", "svc/manager.py": MANAGER.replace("OPEN", opening), "svc/run.py": run}
    return _check(tmp_path, files, "TRD201")


def test_a_class_factory_that_opens_its_instance_hands_it_on_in_use(tmp_path: Path) -> None:
    run = """\
from .manager import ToolManager


async def list_tools(urls: list[str]) -> list[str]:
    manager = await ToolManager.from_config(urls)
    if manager is None:
        return []
    return manager.tool_names()
"""
    assert _manager(tmp_path, run) == [
        "run.py:5:5 TRD201 `manager` (`ToolManager.from_config(...)`) is never closed; call `await manager.close()` in a `finally`"
    ]


def test_the_opened_instance_closed_is_clean(tmp_path: Path) -> None:
    # (the ``if manager is None: return`` before the ``try``: nothing was made on that path)
    run = """\
from .manager import ToolManager


async def list_tools(urls: list[str]) -> list[str]:
    manager = await ToolManager.from_config(urls)
    if manager is None:
        return []
    try:
        return manager.tool_names()
    finally:
        await manager.close()
"""
    assert _manager(tmp_path, run) == []


def test_a_class_factory_that_opens_nothing_hands_on_an_unopened_one(tmp_path: Path) -> None:
    run = """\
from .manager import ToolManager


async def list_tools(urls: list[str]) -> list[str]:
    manager = await ToolManager.from_config(urls)
    if manager is None:
        return []
    return manager.tool_names()
"""
    assert _manager(tmp_path, run, opening="manager.tools.append('none')") == []


FETCHER = """\
from playwright.async_api import async_playwright


class Fetcher:
    def __init__(self, endpoint: str, kind: str) -> None:
        self.endpoint = endpoint
        self.kind = kind

    async def run(self, url: str) -> str:
        async with async_playwright() as p:
            browser_type = getattr(p, self.kind)
            browser = await browser_type.connect_over_cdp(self.endpoint)
            BODY
                await page.close()
                await context.close()
                await browser.close()
                browser = None
"""


def test_a_receiver_reset_to_none_keeps_its_library_type(tmp_path: Path) -> None:
    body = """context = await browser.new_context()
            page = await context.new_page()
            response = await page.goto(url)
            if response is None or response.status != 200:
                raise RuntimeError("bad status")
            try:
                return await page.content()
            finally:"""
    found = source_findings(tmp_path, FETCHER.replace("BODY", body), "TRD201")
    assert "13:13 TRD201 `context` (`browser.new_context(...)`) leaks on an exit before its `try`; create it just before it" in found


def test_the_context_made_inside_the_try_is_clean(tmp_path: Path) -> None:
    body = """context = page = None
            try:
                context = await browser.new_context()
                page = await context.new_page()
                return await page.content()
            finally:"""
    found = source_findings(tmp_path, FETCHER.replace("BODY", body), "TRD201")
    assert not [f for f in found if "`context`" in f]


def test_a_reset_name_still_ended_with_the_driver_is_clean(tmp_path: Path) -> None:
    # ``async with async_playwright() as p`` stops the driver and every browser it launched: the
    # reset to ``None`` after the close says nothing else of where ``browser`` came from.
    source = """\
from playwright.async_api import async_playwright


async def grab(url: str) -> str:
    async with async_playwright() as p:
        browser = await p.chromium.launch()
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(url)
        text = await page.content()
        await browser.close()
        browser = None
        return text
"""
    assert source_findings(tmp_path, source, "TRD201") == []


MAKER = """\
import aiohttp


async def make(url):
    if not url:
        return None
    return aiohttp.ClientSession(url)


async def use(url):
    s = await make(url)
    GUARD
        return []
    try:
        return await s.get("/")
    finally:
        await s.close()
"""


def test_an_exit_taken_when_the_maker_made_nothing_is_clean(tmp_path: Path) -> None:
    assert source_findings(tmp_path, MAKER.replace("GUARD", "if s is None:"), "TRD201") == []
    assert source_findings(tmp_path, MAKER.replace("GUARD", "if not s:"), "TRD201") == []


def test_an_exit_on_another_condition_still_leaks(tmp_path: Path) -> None:
    assert source_findings(tmp_path, MAKER.replace("GUARD", "if url.endswith('/'):"), "TRD201") == [
        "11:5 TRD201 `s` (`make(...)`) leaks on an exit before its `try`; create it just before it"
    ]


SESSION = """\
from typing import Any

from playwright.async_api import async_playwright


class Session:
    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._page: Any = None

    async def start(self) -> None:
        pw = await async_playwright().start()
        browser: Any = None
        try:
            browser = await pw.chromium.launch()
            context = await browser.new_context()
            page = await context.new_page()
            self._playwright = pw
            self._browser = browser
            self._page = page
        except BaseException:
            if browser is not None:
                await browser.close()
            await pw.stop()
            raise

    async def close(self) -> None:
CLOSE
"""


def test_a_context_of_a_browser_kept_on_self_and_closed_by_the_class_is_clean(tmp_path: Path) -> None:
    # Closing the browser closes its contexts: the class keeps the browser and closes it.
    close = "        if self._browser is not None:\n            await self._browser.close()\n            self._browser = None"
    found = source_findings(tmp_path, SESSION.replace("CLOSE", close), "TRD201")
    assert not [f for f in found if "`context`" in f]


def test_a_context_of_a_browser_kept_on_self_and_never_closed_is_reported(tmp_path: Path) -> None:
    found = source_findings(tmp_path, SESSION.replace("CLOSE", "        self._page = None"), "TRD201")
    assert found == ["17:13 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`"]
