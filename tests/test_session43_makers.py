"""Session 43: a resource that synchronous code puts to use through a runner (issue 28,
letsrevel/revel-backend ``7b7df783``).

A client that opens on first use (an aiogram 3 ``Bot`` whose HTTP session opens at its first
request, an ``httpx.AsyncClient``) holds something once one of its methods has run. Synchronous
code runs a method to its end with a runner: ``async_to_sync(bot.get_me)()``,
``asyncio.run(client.get(url))``, ``loop.run_until_complete(client.get(url))``. That is a use as an
``await`` is, and the instance made in the function and never closed leaks what the method opened.
The same code closing it through the runner (``async_to_sync(bot.session.close)()``,
``asyncio.run(client.aclose())`` in a ``finally``) gives nothing, and so does an instance whose
methods are never run. A project's own object whose method a runner runs
(``loop.run_until_complete(bot.run())``) is the program's entry, ended or not by its own code: not
judged by the runner's call (Just-Some-Bots/MusicBot's ``run_musicbot()``, which closes what the bot
holds in its ``finally``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

NEVER = "TRD201 `{name}` (`{label}(...)`) is never closed; make it in the coroutine that uses it and close it there"

BOT = """\
from aiogram import Bot
from asgiref.sync import async_to_sync


def get_bot() -> Bot:
    return Bot(token="x")


def get_bot_name() -> str:
    bot = get_bot()
    me = async_to_sync(bot.get_me)()
    return me.username
"""

BOT_CLOSED = """\
from aiogram import Bot
from asgiref.sync import async_to_sync


def get_bot() -> Bot:
    return Bot(token="x")


def get_bot_name() -> str:
    bot = get_bot()
    try:
        return async_to_sync(bot.get_me)().username
    finally:
        async_to_sync(bot.session.close)()
"""

BOT_UNUSED = """\
from aiogram import Bot


def bot_token() -> str:
    bot = Bot(token="x")
    return bot.token
"""

CLIENT = """\
import asyncio

import httpx


def fetch(url):
    client = httpx.AsyncClient()
    return asyncio.run(client.get(url))


def fetch_on(loop, url):
    client = httpx.AsyncClient()
    return loop.run_until_complete(client.get(url))
"""

CLIENT_CLOSED = """\
import asyncio

import httpx


def fetch(url):
    client = httpx.AsyncClient()
    try:
        return asyncio.run(client.get(url))
    finally:
        asyncio.run(client.aclose())


def fetch_on(loop, url):
    client = httpx.AsyncClient()
    try:
        return loop.run_until_complete(client.get(url))
    finally:
        loop.run_until_complete(client.aclose())
"""

ENTRY = """\
import asyncio

import aiohttp


class MusicBot:
    async def start(self):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()

    async def run_bot(self):
        try:
            await self.start()
        finally:
            if self.session:
                await self.session.connector.close()


def main():
    loop = asyncio.new_event_loop()
    bot = MusicBot()
    loop.run_until_complete(bot.run_bot())
"""


def _aiogram(tmp_path: Path, source: str) -> list[str]:
    (tmp_path / "requirements.txt").write_text("aiogram==3.14.0\n")
    return tree_findings(tmp_path, {"service.py": source}, "TRD2")


def test_bot_from_a_factory_run_by_async_to_sync_is_never_closed(tmp_path: Path) -> None:
    assert _aiogram(tmp_path, BOT) == ["service.py:10:5 " + NEVER.format(name="bot", label="get_bot")]


def test_bot_closed_through_async_to_sync_in_finally_gives_nothing(tmp_path: Path) -> None:
    assert _aiogram(tmp_path, BOT_CLOSED) == []


def test_bot_whose_methods_never_run_holds_nothing(tmp_path: Path) -> None:
    assert _aiogram(tmp_path, BOT_UNUSED) == []


def test_client_run_by_asyncio_run_or_the_loop_is_never_closed(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"fetch.py": CLIENT}, "TRD2") == [
        "fetch.py:12:5 " + NEVER.format(name="client", label="httpx.AsyncClient"),
        "fetch.py:7:5 " + NEVER.format(name="client", label="httpx.AsyncClient"),
    ]


def test_client_closed_through_the_runner_in_finally_gives_nothing(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"fetch.py": CLIENT_CLOSED}, "TRD2") == []


def test_project_object_run_by_the_loop_is_the_entry_not_judged(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"run.py": ENTRY}, "TRD2") == []
