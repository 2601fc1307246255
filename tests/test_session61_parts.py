"""Session 61 (issue 28, TRD2 precision): resources that end with their parent, and resources
handed to the instance a class factory returns.

Principle (parts): a resource made by a library maker called on a parent resource (a context or
page of a Playwright browser, a browser of the driver) ends when that parent ends. When the
parent is made in the same function and kept there (only its methods called, its attributes read,
tested: stored, returned or handed on nowhere), the function is judged for the parent, which is
released on every path or reported; a part the code never ends itself, made from it once per
parent (outside any loop around which the parent lives on), relies on it and ends with it, so its
leak is the parent's, reported once, there. Twins: a part the code closes itself (a path that
skips that close is judged as any resource's), a part made in a loop of one parent, a part of a
parent given as a parameter or kept on ``self`` (long-lived parents), and a part of a parent
stored on ``self`` stay reported.

Principle (hand-off): a resource a class or static method hands to the instance of its own class
it returns (``return cls(reader, writer)``), kept there by a class that never releases it, moves
into the instance when the project's callers carry it: every call binds the instance to a local,
where the caller is judged for it (the finding "never closes its ``self.writer``"), or a caller
ends the part through the instance; the local is used for nothing but that hand-off. The advice at the maker (``writer.close()`` in a
``finally``) would close what the instance is returned to use. Twins: a factory no one calls,
and one whose caller keeps the instance on ``self`` or returns it on, stay judged at the maker;
a module function returning such a holder stays judged at the maker.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

PARTS = """\
from playwright.async_api import async_playwright


async def render(url):
    pw = await async_playwright().start()
    browser = await pw.chromium.launch()
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    content = await page.content()
    await browser.close()
    await pw.stop()
    return content


async def shot(pw, url):
    browser = await pw.chromium.launch()
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    data = await page.screenshot()
    await browser.close()
    return data
"""


def test_parts_of_a_parent_made_and_kept_here_are_reported_with_it(tmp_path: Path) -> None:
    # The context and the page, never closed by the code, end with the browser, whose finding is
    # the one report of them; the browser, which the code closes itself, is judged as its own.
    assert source_findings(tmp_path, PARTS, "TRD2") == [
        "5:5 TRD201 `pw` (`async_playwright().start(...)`) is closed outside `finally`; move `pw.stop()` into a `finally`",
        "6:5 TRD201 `browser` (`pw...launch(...)`) is closed outside `finally`; move `browser.close()` into a `finally`",
        "17:5 TRD201 `browser` (`pw...launch(...)`) is closed outside `finally`; move `browser.close()` into a `finally`",
    ]


ENDED_ITSELF = """async def fetch(pw, url):
    browser = await pw.chromium.connect_over_cdp(url)
    context = await browser.new_context()
    page = await context.new_page()
    response = await page.goto(url)
    if response is None:
        raise RuntimeError("no response")
    try:
        return await page.content()
    finally:
        await context.close()
        await browser.close()
"""


def test_a_part_the_code_closes_itself_is_judged_as_its_own(tmp_path: Path) -> None:
    # The code tracks the context (it closes it in the ``finally``): the exit before the ``try``
    # leaves it open as it leaves the browser (changedetection.io ``494385a3``, both fix sites).
    source = "from playwright.async_api import async_playwright\n\n\n" + ENDED_ITSELF
    assert source_findings(tmp_path, source, "TRD201") == [
        "5:5 TRD201 `browser` (`pw...connect_over_cdp(...)`) leaks on an exit before its `try`; create it just before it",
        "6:5 TRD201 `context` (`browser.new_context(...)`) leaks on an exit before its `try`; create it just before it",
    ]


LONG_LIVED = """\
from playwright.async_api import async_playwright


async def crawl(pw, urls):
    browser = await pw.chromium.launch()
    for url in urls:
        context = await browser.new_context()
        await context.new_page()
    await browser.close()
    browser = None


async def visit(browser, url):
    page = await browser.new_page()
    await page.goto(url)
    return await page.content()


class Renderer:
    async def start(self):
        self.pw = await async_playwright().start()
        self.browser = await self.pw.chromium.launch()

    async def render(self, url):
        page = await self.browser.new_page()
        await page.goto(url)
        return await page.content()

    async def close(self):
        await self.browser.close()
        await self.pw.stop()
"""


def test_parts_of_a_parent_that_lives_on_stay_reported(tmp_path: Path) -> None:
    # A context per turn of one browser (typed through its reset to ``None``), a page of a given
    # browser, a page of the long-lived browser on ``self``: each accumulates while its parent
    # lives on.
    assert source_findings(tmp_path, LONG_LIVED, "TRD2") == [
        "5:5 TRD201 `browser` (`pw...launch(...)`) is closed outside `finally`; move `browser.close()` into a `finally`",
        "7:9 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`",
        "14:5 TRD201 `page` (`browser.new_page(...)`) is never closed; call `await page.close()` in a `finally`",
        "25:9 TRD201 `page` (`self.browser.new_page(...)`) is never closed; call `await page.close()` in a `finally`",
    ]


HANDED_ON = """\
from playwright.async_api import async_playwright


class Session:
    async def start(self, pw):
        browser = await pw.chromium.launch()
        context = await browser.new_context()
        self.page = await context.new_page()
        self.browser = browser

    async def close(self):
        self.page = None
"""


def test_a_part_of_a_parent_stored_on_self_stays_reported(tmp_path: Path) -> None:
    # The browser lives on in ``self.browser``: what ends it is the class's, so its context is
    # judged as before.
    assert source_findings(tmp_path, HANDED_ON, "TRD201") == [
        "7:9 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]


CONNECTION = """\
import asyncio


class Connection:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect_to(cls, path):
        reader, writer = await asyncio.open_unix_connection(path)
        return cls(reader, writer)

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()
"""

LOCAL_CALLER = """\
from app.connection import Connection


async def ping(path):
    conn = await Connection.connect_to(path)
    await conn.send(b"ping")
"""

KEEPING_CALLER = """\
from app.connection import Connection


class Endpoint:
    async def start(self, path):
        self.conn = await Connection.connect_to(path)


async def relay(path):
    conn = await Connection.connect_to(path)
    return conn
"""

MODULE_FACTORY = """\
import asyncio

from app.connection import Connection


async def connect(path):
    reader, writer = await asyncio.open_unix_connection(path)
    return Connection(reader, writer)


async def ping(path):
    conn = await connect(path)
    await conn.send(b"ping")
"""


def test_a_class_factorys_held_part_is_judged_at_its_local_callers(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/connection.py": CONNECTION, "app/ping.py": LOCAL_CALLER}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "ping.py:5:5 TRD201 `Connection.connect_to(...)` never closes its `self.writer`; give the class an async `close()`, call it",
    ]


def test_a_factory_no_caller_carries_is_judged_where_it_makes_the_resource(tmp_path: Path) -> None:
    maker = "connection.py:11:9 TRD201 `writer` (`asyncio.open_unix_connection(...)`) is never closed; call `writer.close()` in a `finally`"
    alone = {"app/__init__.py": "", "app/connection.py": CONNECTION}
    assert tree_findings(tmp_path / "alone", alone, "TRD2", project=True) == [maker]
    kept = {**alone, "app/endpoint.py": KEEPING_CALLER}
    assert tree_findings(tmp_path / "kept", kept, "TRD2", project=True) == [maker]


def test_a_module_function_handing_it_to_a_holder_stays_judged_at_the_maker(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/connection.py": CONNECTION.replace("    @classmethod\n", "    @staticmethod\n").replace(
        "    async def connect_to(cls, path):\n        reader, writer = await asyncio.open_unix_connection(path)\n        return cls(reader, writer)\n",
        "    async def unused():\n        return None\n",
    ), "app/ping.py": MODULE_FACTORY}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "ping.py:7:5 TRD201 `writer` (`asyncio.open_unix_connection(...)`) is never closed; call `writer.close()` in a `finally`",
    ]


def test_a_holder_that_releases_what_it_keeps_takes_it_anyway(tmp_path: Path) -> None:
    closing = CONNECTION + "\n    async def close(self):\n        self.writer.close()\n        await self.writer.wait_closed()\n"
    caller = LOCAL_CALLER.replace('    await conn.send(b"ping")\n', '    try:\n        await conn.send(b"ping")\n    finally:\n        await conn.close()\n')
    files = {"app/__init__.py": "", "app/connection.py": closing, "app/ping.py": caller}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []
