"""Session 44 (issue 28 point 3, resources): a liveness flag reset without the release.

A class makes ``self.client`` in a start method that marks it live (``self.running = True``);
its release closes it and clears the flag; code that finds the flag clear runs the start again
(``if not self.running: await self.init()``, here in a decorator's wrapper). A third method that
clears the flag without the close (a failed request) makes the next call store a new client
over the open one (HanaokaYuzu/Gemini-API ``46433913``).

Each shape has its negative twin: the same code closing the client where it clears the flag, a
flag that nothing tests before the start, or a start that is the release itself gives nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings

_check = partial(source_findings, select="TRD2")

FLAG_RESET = """\
import httpx


def running(func):
    async def wrapper(self, *args):
        if not self.running:
            await self.init()
        return await func(self, *args)
    return wrapper


class Client:
    def __init__(self):
        self.client = None
        self.running = False

    async def init(self):
        self.client = httpx.AsyncClient()
        self.running = True

    async def close(self):
        await self.client.aclose()
        self.running = False

    @running
    async def ask(self, prompt):
        response = await self.client.post("https://example.com", data=prompt)
        if response.status_code != 200:
            self.running = False
            raise RuntimeError(response.status_code)
        return response.text
"""


def test_flag_cleared_without_close_before_a_restart(tmp_path: Path) -> None:
    assert _check(tmp_path, FLAG_RESET) == [
        "18:9 TRD202 `self.client` is left open when `ask()` resets `self.running` without closing it; close it there"
    ]


def test_flag_cleared_by_the_release(tmp_path: Path) -> None:
    source = FLAG_RESET.replace("            self.running = False\n            raise", "            await self.close()\n            raise")
    assert _check(tmp_path, source) == []


def test_flag_cleared_by_a_method_that_closes(tmp_path: Path) -> None:
    source = FLAG_RESET.replace("            self.running = False\n            raise", "            await self._fail()\n            raise")
    source += "\n    async def _fail(self):\n        await self.client.aclose()\n        self.running = False\n"
    assert _check(tmp_path, source) == []


def test_flag_nothing_restarts_on(tmp_path: Path) -> None:
    # No code runs the start again when the flag is clear: the flag only stops work.
    source = FLAG_RESET.replace("        if not self.running:\n            await self.init()\n", "")
    assert _check(tmp_path, source) == []


FLAG_COMPARED = """\
import aiohttp


class Feed:
    async def start(self):
        self.session = aiohttp.ClientSession()
        self.state = "up"

    async def stop(self):
        await self.session.close()
        self.state = "down"

    async def on_error(self):
        self.state = "down"

    async def fetch(self, url):
        if self.state == "down":
            await self.start()
        async with self.session.get(url) as response:
            return await response.text()
"""


def test_string_state_cleared_without_close(tmp_path: Path) -> None:
    assert _check(tmp_path, FLAG_COMPARED) == [
        "6:9 TRD202 `self.session` is left open when `on_error()` resets `self.state` without closing it; close it there"
    ]


def test_string_state_cleared_by_a_method_that_stops(tmp_path: Path) -> None:
    source = FLAG_COMPARED.replace('    async def on_error(self):\n        self.state = "down"',
                                   '    async def on_error(self):\n        await self.stop()')
    assert _check(tmp_path, source) == []


def test_start_that_sets_the_same_value_is_no_liveness_flag(tmp_path: Path) -> None:
    source = FLAG_COMPARED.replace('        self.session = aiohttp.ClientSession()\n        self.state = "up"',
                                   '        self.session = aiohttp.ClientSession()\n        self.state = "down"')
    assert _check(tmp_path, source) == []


# A generator context manager that opens a resource on ``self`` for its block (through an own
# method, or itself) and releases it after the ``yield`` outside any ``finally``: an error in the
# ``async with`` body is raised at the ``yield`` and skips the release (ahopkins/mayim ``6776fec3``).
OPENED_FOR_BLOCK = """\
from contextlib import asynccontextmanager

import aiosqlite


class Pool:
    async def open(self):
        self._db = await aiosqlite.connect("db.sqlite")

    async def close(self):
        await self._db.close()

    @asynccontextmanager
    async def connection(self):
        await self.open()
        yield self._db
        await self._db.commit()
        await self.close()
"""


def test_block_opened_through_own_method_released_after_yield(tmp_path: Path) -> None:
    assert _check(tmp_path, OPENED_FOR_BLOCK) == [
        "15:9 TRD202 `self._db` opened here for `connection()`'s block is left open when the block raises; "
        "release it in a `finally`"
    ]


def test_block_released_in_finally(tmp_path: Path) -> None:
    source = OPENED_FOR_BLOCK.replace(
        "        yield self._db\n        await self._db.commit()\n        await self.close()\n",
        "        try:\n            yield self._db\n            await self._db.commit()\n        finally:\n            await self.close()\n",
    )
    assert _check(tmp_path, source) == []


MADE_FOR_BLOCK = """\
from contextlib import asynccontextmanager

import aiohttp


class Api:
    @asynccontextmanager
    async def session(self):
        self.http = aiohttp.ClientSession()
        yield self.http
        await self.http.close()
"""


def test_block_made_in_the_generator_released_after_yield(tmp_path: Path) -> None:
    assert _check(tmp_path, MADE_FOR_BLOCK) == [
        "9:9 TRD202 `self.http` opened here for `session()`'s block is left open when the block raises; "
        "release it in a `finally`"
    ]


def test_block_made_in_the_generator_released_in_finally(tmp_path: Path) -> None:
    source = MADE_FOR_BLOCK.replace(
        "        yield self.http\n        await self.http.close()\n",
        "        try:\n            yield self.http\n        finally:\n            await self.http.close()\n",
    )
    assert _check(tmp_path, source) == []


def test_block_the_generator_does_not_release(tmp_path: Path) -> None:
    # Released by the class's own end, not by the block: not this shape.
    source = OPENED_FOR_BLOCK.replace("        await self._db.commit()\n        await self.close()\n", "        await self._db.commit()\n")
    assert "opened here" not in " ".join(_check(tmp_path, source))


# A collection declared as a field that makes one per instance (attrs' ``attr.ib(default=
# attr.Factory(dict))``, a dataclass ``field(default_factory=dict)``) is the class's own, like
# ``self.clients = {}`` in ``__init__``: resources put in it and never closed by any end of the
# class leak (matrix-org/pantalaimon ``c6c04b68``).
FIELD_COLLECTION = """\
import attr
from aiohttp import ClientSession


@attr.s
class Proxy:
    homeserver = attr.ib()
    sessions = attr.ib(init=False, default=attr.Factory(dict))

    async def login(self, token):
        session = ClientSession()
        self.sessions[token] = session
        return session
"""


def test_elements_of_an_attrs_field_never_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, FIELD_COLLECTION) == [
        "11:9 TRD202 `ClientSession(...)` items of `self.sessions` are never closed; close each in a `close()` method"
    ]


def test_elements_of_an_attrs_field_closed(tmp_path: Path) -> None:
    source = FIELD_COLLECTION + "\n    async def close(self):\n        for session in self.sessions.values():\n            await session.close()\n"
    assert _check(tmp_path, source) == []


def test_elements_of_a_dataclass_field_never_closed(tmp_path: Path) -> None:
    source = FIELD_COLLECTION.replace("import attr\n", "import attr\nfrom dataclasses import dataclass, field\n").replace(
        "@attr.s\n", "@dataclass\n").replace("    homeserver = attr.ib()\n    sessions = attr.ib(init=False, default=attr.Factory(dict))\n",
                                          "    homeserver: str\n    sessions: dict = field(default_factory=dict)\n")
    assert _check(tmp_path, source) == [
        "12:9 TRD202 `ClientSession(...)` items of `self.sessions` are never closed; close each in a `close()` method"
    ]


def test_flag_of_another_object_tested(tmp_path: Path) -> None:
    # Another object's flag decides the restart: it says nothing of this client.
    source = FLAG_RESET.replace("        if not self.running:\n            await self.init()\n",
                                "        if not self.parent.running:\n            await self.init()\n")
    assert _check(tmp_path, source) == []
