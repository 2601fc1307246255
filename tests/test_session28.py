"""Session 28 (issue 28, points 1 and 5: a value closed on one path is owned on every path).

A function that awaits ``value.close()`` (or ``aclose()``) on a value it made from a call says it
owns it, whatever the call is (a method of the class, a library object's maker nothing types, a
helper of the project). Another exit that leaves it open leaks it (TRD201): an ``except`` of the
``try`` whose body closes it that raises, returns or goes on without a later close (source:
D4Vinci/Scrapling ``d5b9ed11``, round 10's development half), and a ``return`` or ``raise`` on a
path that has not closed it. Each shape has its negative twins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths


def _messages(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "m.py"
    path.write_text(source)
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


HANDLER = """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception as e:
            page_info.mark_error()
            raise e
"""

EARLY_RETURN = """\
async def fetch(context, url):
    page = await context.new_page()
    response = await page.goto(url)
    if response is None or response.status != 200:
        return None
    text = await response.text()
    await page.close()
    return text
"""

EARLY_RAISE = """\
async def fetch(url):
    client = await make_client(url)
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
"""

SWALLOWED = """\
async def probe(factory, log):
    conn = await factory.connect()
    try:
        await conn.ping()
        await conn.close()
    except OSError as error:
        log.warning("probe failed: %s", error)
"""


def test_a_handler_that_raises_without_closing(tmp_path: Path) -> None:
    assert _messages(tmp_path, HANDLER) == [
        "3 TRD201 `page_info.page` (`self._get_page(...)`) is closed here on one path only: the `raise` at line 10 leaves it open; close it in a `finally`",
    ]


def test_an_early_return_before_the_close(tmp_path: Path) -> None:
    assert _messages(tmp_path, EARLY_RETURN) == [
        "2 TRD201 `page` (`context.new_page(...)`) is closed here on one path only: the `return` at line 5 leaves it open; close it in a `finally`",
    ]


def test_an_early_raise_before_the_close(tmp_path: Path) -> None:
    assert _messages(tmp_path, EARLY_RAISE) == [
        "2 TRD201 `client` (`make_client(...)`) is closed here on one path only: the `raise` at line 5 leaves it open; close it in a `finally`",
    ]


def test_a_handler_that_goes_on_without_a_later_close(tmp_path: Path) -> None:
    assert _messages(tmp_path, SWALLOWED) == [
        "2 TRD201 `conn` (`factory.connect(...)`) is closed here on one path only: the `except` at line 6 goes on or leaves without closing it; close it in a `finally`",
    ]


NEGATIVES = {
    "closed in finally": """\
async def fetch(context, url):
    page = await context.new_page()
    try:
        response = await page.goto(url)
        if response is None:
            return None
        return await response.text()
    finally:
        await page.close()
""",
    "the handler closes it": """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception:
            await page_info.page.close()
            raise
""",
    "the handler releases its owner": """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception:
            await self.reset()
            raise
""",
    "the handler gives it to a call": """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception:
            await self._discard(page_info)
            raise
""",
    "a handler that goes on to a later close": """\
async def probe(factory, log):
    conn = await factory.connect()
    try:
        await conn.ping()
    except OSError as error:
        log.warning("probe failed: %s", error)
    await conn.close()
""",
    "a test of the value itself": """\
async def fetch(url):
    client = await make_client(url)
    if client is None:
        return None
    data = client.cached()
    await client.aclose()
    return data
""",
    "returned on the other path": """\
async def fetch(url, keep):
    client = await make_client(url)
    data = await client.get()
    if keep:
        return client
    await client.aclose()
    return data
""",
    "stored on self": """\
class Holder:
    async def open(self, url):
        client = await make_client(url)
        if not await client.ping():
            self.client = client
            return
        await client.aclose()
""",
    "kept in a container": """\
class Pool:
    async def open(self, url):
        client = await make_client(url)
        self.clients.append(client)
        if not await client.ping():
            raise RuntimeError("down")
        await client.aclose()
""",
    "closed on the way, then an exit": """\
async def fetch(url):
    client = await make_client(url)
    data = client.cached()
    await client.aclose()
    if not data:
        raise ValueError("empty")
    return data
""",
    "a close never awaited is not this rule's": """\
def fetch(url):
    client = make_client(url)
    data = client.get()
    if not data:
        raise ValueError("empty")
    client.close()
    return data
""",
    "a parameter is not made here": """\
async def fetch(client):
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
""",
    "bound twice": """\
async def fetch(url):
    client = await make_client(url)
    if await client.stale():
        client = await make_client(url)
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
""",
    "nothing can fail in the try": """\
async def stop(factory):
    conn = await factory.connect()
    try:
        await conn.close()
    except OSError:
        raise
""",
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative_twins(tmp_path: Path, name: str) -> None:
    assert _messages(tmp_path, NEGATIVES[name]) == []


def test_a_branch_that_closes_and_returns_does_not_close_the_path_that_stays(tmp_path: Path) -> None:
    source = """\
async def fetch(url, quick):
    client = await make_client(url)
    if quick:
        await client.aclose()
        return None
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
"""
    assert _messages(tmp_path, source) == [
        "2 TRD201 `client` (`make_client(...)`) is closed here on one path only: the `raise` at line 8 leaves it open; close it in a `finally`",
    ]


def test_a_known_resource_is_judged_once_by_its_creation(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def fetch(url):
    session = aiohttp.ClientSession()
    response = await session.get(url)
    if response.status != 200:
        return None
    await session.close()
    return response
"""
    assert _messages(tmp_path, source) == [
        "5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`",
    ]


def test_a_test_of_its_own_answer_is_a_test_of_the_value(tmp_path: Path) -> None:
    source = """\
async def fetch(url):
    client = await make_client(url)
    if not client.initialize():
        return None
    data = client.cached()
    await client.aclose()
    return data
"""
    assert _messages(tmp_path, source) == []


FAILING_AWAIT = """\
async def reset_history(exchanges, identifier):
    for exchange in exchanges:
        metadb = MetaDatabase(identifier)
        storage = metadb.get_portfolio_db(exchange)
        await clear_history(storage)
        await metadb.close()
"""


def test_an_await_whose_error_skips_the_close(tmp_path: Path) -> None:
    # (Drakkar-Software/OctoBot's web interface, labelled in benchmarks/labels/apps_s23_changed.tsv)
    assert _messages(tmp_path, FAILING_AWAIT) == [
        "3 TRD201 `metadb` (`MetaDatabase(...)`) is closed here on one path only: an error in the `await` at line 5 leaves it open; close it in a `finally`",
    ]


@pytest.mark.parametrize("where", ["tests/test_history.py", "scripts/__main__.py"])
def test_an_await_whose_error_ends_the_program(tmp_path: Path, where: str) -> None:
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(FAILING_AWAIT.replace("async def reset_history", "async def main" if "main" in where else "async def test_reset"))
    assert [f.code for f in check_paths([path], select=["TRD2"])] == []


@pytest.mark.parametrize("guard", [
    "    try:\n        await clear_history(storage)\n    except OSError:\n        await metadb.close()\n        raise\n",
    "    try:\n        await clear_history(storage)\n    except OSError:\n        log(storage)\n",
])
def test_a_try_that_closes_or_goes_on(tmp_path: Path, guard: str) -> None:
    source = "async def reset(identifier):\n    metadb = MetaDatabase(identifier)\n    storage = metadb.get_portfolio_db()\n" + guard + "    await metadb.close()\n"
    assert _messages(tmp_path, source) == []


# An attribute its own class closes holds a resource, whatever made it.

RECONNECT = """\
from somelib import connect


class Link:
    def __init__(self, url):
        self.url = url
        self._conn = None

    async def start(self):
        self._conn = await connect(self.url)

    async def reconnect(self):
        self._conn = await connect(self.url)

    async def close(self):
        if self._conn is not None:
            await self._conn.close()
"""


def test_an_attribute_its_class_closes_is_not_replaced_unclosed(tmp_path: Path) -> None:
    assert _messages(tmp_path, RECONNECT) == [
        "13 TRD202 `self._conn` is replaced without closing the old one; call its `close()` first",
    ]


@pytest.mark.parametrize("change", [
    ("    async def reconnect(self):\n        self._conn", "    async def reconnect(self):\n        await self.close()\n        self._conn"),
    ("            await self._conn.close()", "            await self._conn.close(reason)"),
    ("    async def close(self):", "    async def ping(self):"),
    ("async def reconnect(self):\n        self._conn = await connect(self.url)", "async def reconnect(self):\n        self._conn = await Pool.instance()"),
], ids=["closed first", "a close given an argument", "no release method closes it", "a shared instance"])
def test_attribute_negative_twins(tmp_path: Path, change: tuple[str, str]) -> None:
    old, new = change
    assert old in RECONNECT
    assert _messages(tmp_path, RECONNECT.replace(old, new)) == []
