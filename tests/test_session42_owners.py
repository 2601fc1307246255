"""Session 42 (issue 28, points 1 and 5): first-party factories and owners of resources.

1. A factory owns what it returns, also inside a tuple: ``return client, credentials``
   (8go/matrix-commander's ``login_using_credentials_file()``). The caller's ``client,
   credentials = login(...)`` owns the element the factory made, as ``reader, writer = await
   asyncio.open_connection(...)`` owns the writer; ``return None, None`` on a path that makes
   none. A factory that hands on a tuple holding only what it was given makes nothing.
2. A factory owns what it returns inside a first-party holder: ``return State(pw=pw)`` where
   ``pw`` was started there and the holder's release stops what it is given (Skyvern's
   ``_create_browser_state()``). The caller owns the holder. A holder given the factory's own
   parameter holds nothing new.
3. An element kept in a collection that the instance ends (``self.pages[key] = state``) only
   after an ``await`` that may raise (Skyvern's first navigation): the error leaves it where no
   cleanup reaches it. Stored before the ``await``, nothing leaks.

Each shape has its negative twin: the same code closed (or stored first) gives nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings, tree_findings

_check = partial(source_findings, select="TRD2")
_check_tree = partial(tree_findings, select="TRD2")

TUPLE_FACTORY = """\
import aiohttp


def make_client(url):
    session = aiohttp.ClientSession(base_url=url)
    token = "x"
    return session, token


async def fetch(url):
    session, token = make_client(url)
    resp = await session.get("/", headers={"t": token})
    return await resp.text()
"""


def test_tuple_factory_never_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, TUPLE_FACTORY) == [
        "11:5 TRD201 `session` (`make_client(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_tuple_factory_closed_in_finally(tmp_path: Path) -> None:
    source = TUPLE_FACTORY.replace(
        '    resp = await session.get("/", headers={"t": token})\n    return await resp.text()\n',
        '    try:\n        resp = await session.get("/", headers={"t": token})\n        return await resp.text()\n'
        "    finally:\n        await session.close()\n",
    )
    assert _check(tmp_path, source) == []


def test_tuple_factory_of_what_it_is_given(tmp_path: Path) -> None:
    # The twin: the tuple holds the caller's own session; the factory made nothing.
    source = TUPLE_FACTORY.replace("def make_client(url):\n    session = aiohttp.ClientSession(base_url=url)\n", "def make_client(session):\n")
    assert _check(tmp_path, source) == []


ASYNC_TUPLE_FACTORY = """\
import aiohttp


async def login(url, token):
    if not token:
        return None, None
    session = aiohttp.ClientSession(base_url=url)
    await session.post("/login", data=token)
    return session, {"token": token}


async def whoami(url, token):
    session, creds = await login(url, token)
    resp = await session.get("/me")
    return await resp.json()
"""


def test_async_tuple_factory_with_a_none_path(tmp_path: Path) -> None:
    assert [f for f in _check(tmp_path, ASYNC_TUPLE_FACTORY) if f.startswith("13:")] == [
        "13:5 TRD201 `session` (`login(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_async_tuple_factory_entered(tmp_path: Path) -> None:
    source = ASYNC_TUPLE_FACTORY.replace(
        '    resp = await session.get("/me")\n    return await resp.json()\n',
        '    async with session:\n        resp = await session.get("/me")\n        return await resp.json()\n',
    )
    assert [f for f in _check(tmp_path, source) if f.startswith("13:")] == []


def test_tuple_of_another_element_on_some_path_is_no_factory(tmp_path: Path) -> None:
    # The twin: on one path the first element is what the caller gave: not one made here.
    source = ASYNC_TUPLE_FACTORY.replace("async def login(url, token):", "async def login(url, token, given=None):").replace(
        "        return None, None\n", "        return given, None\n"
    )
    assert [f for f in _check(tmp_path, source) if f.startswith("13:")] == []


HOLDER_FACTORY = """\
import aiohttp


class Api:
    def __init__(self, session, token):
        self.session = session
        self.token = token

    async def close(self):
        await self.session.close()


async def make_api(url):
    session = aiohttp.ClientSession(base_url=url)
    return Api(session, "t")


async def run(url):
    api = await make_api(url)
    await api.session.get("/")
"""


def test_holder_factory_never_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, HOLDER_FACTORY) == [
        "19:5 TRD201 `api` (`make_api(...)`) is never closed; call `await api.close()` in a `finally`"
    ]


def test_holder_factory_closed_in_finally(tmp_path: Path) -> None:
    source = HOLDER_FACTORY.replace(
        '    await api.session.get("/")\n', '    try:\n        await api.session.get("/")\n    finally:\n        await api.close()\n'
    )
    assert _check(tmp_path, source) == []


def test_holder_factory_given_a_parameter(tmp_path: Path) -> None:
    # The twin: the holder wraps the caller's session; the factory made nothing for it.
    source = HOLDER_FACTORY.replace("async def make_api(url):\n    session = aiohttp.ClientSession(base_url=url)\n", "async def make_api(session):\n")
    assert _check(tmp_path, source) == []


def test_holder_from_a_library_maker(tmp_path: Path) -> None:
    files = {
        "browser.py": """\
from playwright.async_api import async_playwright


class BrowserState:
    def __init__(self, pw, page=None):
        self.pw = pw
        self.page = page

    async def close(self):
        await self.pw.stop()


class BrowserManager:
    @staticmethod
    async def _create_state(url):
        pw = await async_playwright().start()
        return BrowserState(pw=pw)

    async def open(self, url):
        state = await self._create_state(url)
        await state.pw.chromium.launch()
""",
    }
    assert _check_tree(tmp_path, files) == [
        "browser.py:20:9 TRD201 `state` (`self._create_state(...)`) is never closed; call `await state.close()` in a `finally`"
    ]


ELEMENT_KEPT_LATE = """\
import aiohttp


class Pool:
    def __init__(self):
        self.sessions = {}

    async def open(self, key, url):
        session = aiohttp.ClientSession(base_url=url)
        await session.post("/hello")
        self.sessions[key] = session
        return session

    async def close(self):
        for session in self.sessions.values():
            await session.close()
"""


def test_element_kept_after_an_await(tmp_path: Path) -> None:
    assert [f for f in _check(tmp_path, ELEMENT_KEPT_LATE) if f.startswith("9:")] == [
        "9:9 TRD201 `self.sessions` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is stored raises; close it on that error"
    ]


def test_element_kept_before_the_await(tmp_path: Path) -> None:
    source = ELEMENT_KEPT_LATE.replace(
        '        await session.post("/hello")\n        self.sessions[key] = session\n',
        '        self.sessions[key] = session\n        await session.post("/hello")\n',
    )
    assert [f for f in _check(tmp_path, source) if f.startswith("9:")] == []


SELF_TUPLE_FACTORY = """\
import aiohttp


class Service:
    async def _connect(self, url):
        session = aiohttp.ClientSession(base_url=url)
        return session, url

    async def ping(self, url):
        session, base = await self._connect(url)
        await session.get(base)
"""


def test_tuple_from_a_method_of_the_class(tmp_path: Path) -> None:
    assert _check(tmp_path, SELF_TUPLE_FACTORY) == [
        "10:9 TRD201 `session` (`self._connect(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_tuple_from_a_method_of_the_class_closed(tmp_path: Path) -> None:
    source = SELF_TUPLE_FACTORY.replace(
        "        await session.get(base)\n", "        try:\n            await session.get(base)\n        finally:\n            await session.close()\n"
    )
    assert _check(tmp_path, source) == []
