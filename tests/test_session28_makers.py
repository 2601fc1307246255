"""Session 28 (issue 28, point 1): resources made by methods of library objects that nothing
types, read from the library's source and matched by the module's import of the library.

``scripts/make_resource_table.py`` records, per library, the methods of its public classes that
return a new instance of one of its resource types (Playwright's ``BrowserType.launch`` and
``connect_over_cdp`` return a ``Browser``, ``Browser.new_page`` and ``BrowserContext.new_page``
a ``Page``). In a module that imports the library, ``await <anything>.new_page()`` makes a page,
judged as a constructor call of ``Page`` is. Real fixes: Playwright pages, contexts and browsers
never closed, or closed only on success. Negative twins: closed in ``finally`` or by ``async
with``, a module that does not import the library, a name another public method of the library
uses for something that is no resource (``new_context``: ``APIRequest.new_context``), a method
that returns an object that exists (``Page.opener()``), the sync API, a first-party receiver.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths


def _messages(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "m.py"
    path.write_text(source)
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


IMPORT = "from playwright.async_api import async_playwright\n\n\n"

NEVER_CLOSED = IMPORT + """\
async def screenshot(browser, url):
    page = await browser.new_page()
    await page.goto(url)
    return await page.screenshot()
"""

CLOSED_OUTSIDE_FINALLY = IMPORT + """\
async def title(context, url):
    page = await context.new_page()
    await page.goto(url)
    text = await page.title()
    await page.close()
    return text
"""

KEPT_ON_SELF = IMPORT + """\
class Scraper:
    async def start(self, playwright, endpoint):
        self.browser = await playwright.chromium.connect_over_cdp(endpoint)

    async def stop(self):
        self.running = False
"""


def test_a_page_made_by_a_library_method_and_never_closed(tmp_path: Path) -> None:
    assert _messages(tmp_path, NEVER_CLOSED) == [
        "5 TRD201 `page` (`browser.new_page(...)`) is never closed; call `await page.close()` in a `finally`",
    ]


def test_a_page_closed_outside_finally(tmp_path: Path) -> None:
    assert _messages(tmp_path, CLOSED_OUTSIDE_FINALLY) == [
        "5 TRD201 `page` (`context.new_page(...)`) is closed outside `finally`; move `page.close()` into a `finally`",
    ]


LONG_LIVED = IMPORT + """\
class Renderer:
    async def start(self, playwright):
        self.browser = await playwright.chromium.launch()

    async def render(self, url):
        page = await self.browser.new_page()
        await page.goto(url)
        return await page.content()

    async def close(self):
        await self.browser.close()
"""


def test_a_page_per_call_of_a_long_lived_browser(tmp_path: Path) -> None:
    # The browser is closed at the end of the renderer's life; each page ``render()`` makes
    # lives until then unless ``render()`` closes it.
    assert _messages(tmp_path, LONG_LIVED) == [
        "9 TRD201 `page` (`self.browser.new_page(...)`) is never closed; call `await page.close()` in a `finally`",
    ]


def test_a_browser_kept_on_self_and_never_closed(tmp_path: Path) -> None:
    assert _messages(tmp_path, KEPT_ON_SELF) == [
        "6 TRD202 `self.browser` is never closed; call its `close()` in `stop()`",
    ]


TYPED = IMPORT + """\
from playwright.async_api import Browser


class Crawler:
    async def start(self, playwright, ws_url):
        self.browser = await playwright.chromium.connect_over_cdp(ws_url)

    async def open_context(self):
        context = await self.browser.new_context(viewport=None)
        await context.add_cookies([])
        return await context.cookies()

    async def close(self):
        await self.browser.close()


async def launched(playwright):
    browser = await playwright.chromium.launch()
    context = await browser.new_context()
    return await context.cookies()


async def annotated(browser: Browser):
    context = await browser.new_context()
    return await context.cookies()
"""


def test_an_ambiguous_maker_on_a_receiver_known_to_be_its_class(tmp_path: Path) -> None:
    # ``new_context`` is also ``APIRequest.new_context`` (no resource): a receiver bound from a
    # maker of ``Browser`` (on ``self`` or a local) or annotated ``Browser`` says it is
    # ``Browser.new_context`` (NanmiCoder/MediaCrawler ``3237073a``, round 11's development half).
    assert _messages(tmp_path, TYPED) == [
        "12 TRD201 `context` (`self...new_context(...)`) is never closed; call `await context.close()` in a `finally`",
        "21 TRD201 `browser` (`playwright...launch(...)`) is never closed; call `await browser.close()` in a `finally`",
        # (line 22's context, a part of the browser made here, ends with it: the browser's
        # finding is the leak, session 61)
        "27 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]


WEBSOCKET = """\
import aiohttp


async def listen(session, url, handle):
    ws = await session.ws_connect(url)
    async for message in ws:
        await handle(message)
    await ws.close()
"""


def test_a_websocket_awaited_from_an_awaitable_wrapper(tmp_path: Path) -> None:
    # ``ClientSession.ws_connect()`` is a plain method returning
    # ``_BaseRequestContextManager[ClientWebSocketResponse]``, a wrapper whose ``__await__`` gives
    # the websocket: awaited, it makes one.
    assert _messages(tmp_path, WEBSOCKET) == [
        "5 TRD201 `ws` (`session.ws_connect(...)`) is closed outside `finally`; move `ws.close()` into a `finally`",
    ]


TRANSPORT = """\
import asyncio

import aiohttp


class WebSocketTransport:
    def __init__(self):
        self._ws = None
        self._client = aiohttp.ClientSession()
        self._close_task = asyncio.Future()

    async def connect(self, url):
        self._ws = await self._client.ws_connect(url)

    async def wait_closed(self):
        if self._ws is not None:
            await self._close_task
        if self._client:
            await self._client.close()
        self._ws = self._client = None

    def close(self):
        if self._ws is None:
            return
        self._close_task = asyncio.create_task(self._ws.close())
"""


def test_a_websocket_dropped_unclosed(tmp_path: Path) -> None:
    # Dropped by ``wait_closed()`` without waiting for the task ``close()`` runs to close it.
    assert _messages(tmp_path, TRANSPORT.replace("await self._close_task", "await asyncio.sleep(0)")) == [
        "13 TRD202 `self._ws` is set to `None` in `wait_closed()` unclosed; call its `close()` first",
    ]


CLEAN = {
    "finally": IMPORT + """\
async def title(context, url):
    page = await context.new_page()
    try:
        await page.goto(url)
        return await page.title()
    finally:
        await page.close()
""",
    "async with": IMPORT + """\
async def title(browser, url):
    async with await browser.new_page() as page:
        await page.goto(url)
        return await page.title()
""",
    "closed by its class": KEPT_ON_SELF.replace("self.running = False", "await self.browser.close()"),
    # Made from a driver the class stops: stopping it closes every browser it launched.
    "parent stopped by the class": IMPORT + """\
class Scraper:
    async def start(self, endpoint):
        self._playwright = await async_playwright().start()
        self.browser = await self._playwright.chromium.connect_over_cdp(endpoint)

    async def stop(self):
        await self._playwright.stop()
""",
    # No import of Playwright: ``new_page`` is anybody's method.
    "no import": NEVER_CLOSED.replace(IMPORT, "import asyncio\n\n\n"),
    # ``new_context`` is also ``APIRequest.new_context`` (an ``APIRequestContext``, no resource
    # of the table): the name alone says nothing.
    "ambiguous name": IMPORT + """\
async def cookies(browser):
    context = await browser.new_context()
    return await context.cookies()
""",
    "websocket entered": """\
import aiohttp


async def listen(session, url, handle):
    async with session.ws_connect(url) as ws:
        async for message in ws:
            await handle(message)
""",
    # Made from what an ``async with`` of the function ends: stopping the driver closes every
    # browser it launched, and their pages (TeamUltroid/Ultroid's plugins).
    "parent entered": IMPORT + """\
async def screenshot(url):
    async with async_playwright() as play:
        browser = await play.chromium.launch()
        page = await browser.new_page()
        await page.goto(url)
        return await page.screenshot()
""",
    # Made from a browser the ``finally`` closes: closing a browser closes its pages.
    "parent closed in finally": IMPORT + """\
async def screenshot(playwright, url):
    browser = await playwright.chromium.launch()
    try:
        page = await browser.new_page()
        await page.goto(url)
        return await page.screenshot()
    finally:
        await browser.close()
""",
    # A browser and its first page made together on ``self``, the browser closed by the class
    # (khoj-ai/khoj's operator environment).
    "parent made here, closed by the class": IMPORT + """\
class Environment:
    async def start(self, playwright):
        self.browser = await playwright.chromium.launch()
        context = self.browser.contexts[0] if self.browser.contexts else await self.browser.new_context()
        self.page = context.pages[0] if context.pages else await context.new_page()

    async def close(self):
        await self.browser.close()
""",
    # The driver made here, stopped by a base class's ``close()`` (D4Vinci/Scrapling's sessions).
    "parent stopped by a base class": IMPORT + """\
class Session:
    async def close(self):
        await self.playwright.stop()


class Dynamic(Session):
    async def start(self, url):
        if not self.playwright:
            self.playwright: AsyncPlaywright = await async_playwright().start()
        browser = await self.playwright.chromium.connect_over_cdp(endpoint_url=url)
        self.context = await browser.new_context()
""",
    # A plain method's result opens nothing until used (a pipeline's ``execute()`` resets it).
    "plain maker": """\
import aioredis


async def mark(redis, key):
    pipe = redis.pipeline()
    pipe.unlink(key)
    await pipe.execute()
""",
    # ``close()`` closes the websocket in a task that ``wait_closed()`` awaits before dropping it
    # (nats-py's websocket transport).
    "closed by an awaited task": TRANSPORT,
    # Annotated with another class: not a ``Browser``.
    "other annotation": IMPORT + """\
from playwright.async_api import APIRequest


async def fetch(request: APIRequest):
    context = await request.new_context()
    return await context.get("https://example.com")
""",
    # ``Page.opener()`` returns the page that opened this one (its implementation returns
    # ``self._opener``): not this function's to close.
    "cached object": IMPORT + """\
async def opener_url(page):
    opener = await page.opener()
    return opener.url
""",
    # The sync API's ``new_page`` is a plain method returning a sync page: no async resource.
    "sync api": """\
from playwright.sync_api import sync_playwright


def screenshot(browser, url):
    page = browser.new_page()
    page.goto(url)
    return page.screenshot()
""",
    # A coroutine maker called without ``await`` makes a coroutine, not a page (TRD205's).
    "not awaited": IMPORT + """\
async def screenshot(browser, tasks):
    tasks.append(browser.new_page())
""",
    # A receiver of the project's own class: its code says what ``new_page`` returns.
    "first-party receiver": IMPORT + """\
class Pool:
    async def new_page(self):
        return self._pages.pop()


async def screenshot(pool: Pool, url):
    page = await pool.new_page()
    await page.goto(url)
""",
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_negative_twins(tmp_path: Path, name: str) -> None:
    assert _messages(tmp_path, CLEAN[name]) == []
