"""Session 98 (issue 28, precision): an ``await`` in a nested ``def`` is no way an error can come
between a resource's creation and where it is handed on.

Three readings of a resource's error paths looked for an ``await`` in the body of a ``try`` after
the creation: an error or a cancellation can come from it. They walked into the functions that
body defines, whose ``await`` runs when the function is called (a handler registered with a
dispatcher), not where it is defined. A development bot's supervisor loop made its client, defined
its command handlers (each awaiting an answer) and then started polling with it; the loop's
``except Exception`` goes on, and the client was reported as left open by an error before it was
handed on, which no statement there could raise (``benchmarks/labels/apps93.tsv``, labelled
false). The same for a method that closes what it made on an error of its ``try`` but not on a
cancellation: a ``try`` whose only ``await`` is in a handler it defines cannot be cancelled.

Twins: an ``await`` in the body itself, as before.
"""

from __future__ import annotations

from pathlib import Path

from tests.trees import findings, write

RUNNER = '''\
import asyncio

import aiohttp


class Runner:
    def __init__(self, session):
        self.session = session

    async def run(self):
        try:
            await asyncio.sleep(1)
        finally:
            await self.session.close()


async def supervise(register):
    while True:
        try:
            session = aiohttp.ClientSession()
{pause}
            async def handler(message):
                await message.answer("hi")

            register(handler)
            await Runner(session).run()
        except Exception:
            await asyncio.sleep(1)
'''

STARTER = '''\
import asyncio

import aiohttp


class Client:
    def __init__(self):
        self._session = None

    async def start(self, register):
        self._session = aiohttp.ClientSession()
        try:
{pause}
            async def on_message(message):
                await message.reply()

            register(on_message)
        except Exception:
            await self._session.close()
            raise

    async def close(self):
        await self._session.close()
'''

PAUSE = "            await asyncio.sleep(0)\n"


def _check(root: Path, template: str, pause: str) -> list[str]:
    write(root / "app" / "__init__.py", "")
    write(root / "app" / "m.py", template.format(pause=pause))
    return findings(root, "TRD2")


def test_a_handler_s_await_is_no_error_before_the_hand_on(tmp_path: Path) -> None:
    assert _check(tmp_path, RUNNER, "") == []


def test_an_await_before_the_hand_on_still_is(tmp_path: Path) -> None:
    assert _check(tmp_path, RUNNER, PAUSE) == [
        "app/m.py:20:13 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks when an error before it is handed "
        "on is caught; close it in that `except`",
    ]


def test_a_try_whose_only_await_is_a_handler_s_cannot_be_cancelled(tmp_path: Path) -> None:
    assert _check(tmp_path, STARTER, "") == []


def test_a_try_that_awaits_can_still_be_cancelled(tmp_path: Path) -> None:
    assert _check(tmp_path, STARTER, PAUSE) == [
        "app/m.py:11:9 TRD202 `self._session` is closed on an error in `start()` but not on a cancellation; "
        "catch `BaseException` there",
    ]


# A lazy client (``httpx.AsyncClient``: no connection until its first request) holds nothing until
# an ``await`` uses it. An error caught before that leaves nothing open, as the readings of an
# exit or a propagated error before the hand-on already said; the caught error's reading now says
# it too. Twin: the client used (a request) before the error.
LAZY = '''\
import asyncio

import httpx


class Runner:
    def __init__(self, client):
        self.client = client

    async def run(self):
        try:
            await self.client.get("http://x")
        finally:
            await self.client.aclose()


async def supervise(load):
    while True:
        try:
            client = httpx.AsyncClient()
{use}            await load()
            await Runner(client).run()
        except Exception:
            await asyncio.sleep(1)
'''


def test_a_lazy_client_unused_before_a_caught_error_holds_nothing(tmp_path: Path) -> None:
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "m.py", LAZY.format(use=""))
    assert findings(tmp_path, "TRD2") == []


def test_a_lazy_client_used_before_a_caught_error_is_left_open(tmp_path: Path) -> None:
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "m.py", LAZY.format(use='            await client.get("http://probe")\n'))
    assert findings(tmp_path, "TRD2") == [
        "app/m.py:20:13 TRD201 `client` (`httpx.AsyncClient(...)`) leaks when an error before it is handed on "
        "is caught; close it in that `except`",
    ]
