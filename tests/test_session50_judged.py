"""Session 50: a resource handed to a first-party coroutine that only reads it is still the
caller's to close.

``feed = Feed(url); asyncio.create_task(self._pump(feed))`` where ``_pump`` only iterates the
feed (``async for chunk in feed``): nothing of the coroutine keeps, returns, hands on or closes
it, so the creator still owns it, as it would if it iterated the feed itself. Before, a call of a
coroutine method on ``self`` that was not awaited here (made for a task) was trusted to take the
value over, and iterating was no borrowing use of a parameter (an ``async for`` in the creator's
own frame never counted as handing it on). From pipecat's LiveKit transport (``rtc.AudioStream``
made per subscribed track, read by a task, never closed). Twins: the coroutine closes it in its
``finally`` (it takes it over), keeps it on ``self`` for ``stop()`` to close, or the caller closes
it in a ``finally`` after an awaited read.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

FEED = """\
import asyncio

import aiohttp


class Feed:
    def __init__(self, url: str) -> None:
        self._url = url
        self._session = aiohttp.ClientSession()

    def __aiter__(self) -> "Feed":
        return self

    async def __anext__(self) -> bytes:
        async with self._session.get(self._url) as response:
            return await response.read()

    async def aclose(self) -> None:
        await self._session.close()


"""

READ_ONLY = FEED + """\
class Reader:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    async def _pump(self, feed: Feed) -> None:
        async for chunk in feed:
            print(len(chunk))

    async def subscribe(self, url: str) -> None:
        feed = Feed(url)
        task = asyncio.create_task(self._pump(feed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def read_all(self, url: str) -> None:
        feed = Feed(url)
        await self._pump(feed)
"""

TWINS = FEED + """\
class Reader:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._feeds: list[Feed] = []

    async def _pump(self, feed: Feed) -> None:
        try:
            async for chunk in feed:
                print(len(chunk))
        finally:
            await feed.aclose()

    async def _keep(self, feed: Feed) -> None:
        self._feeds.append(feed)
        async for chunk in feed:
            print(len(chunk))

    async def _peek(self, feed: Feed) -> None:
        async for chunk in feed:
            print(len(chunk))

    async def subscribe(self, url: str) -> None:
        feed = Feed(url)
        task = asyncio.create_task(self._pump(feed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def read_all(self, url: str) -> None:
        feed = Feed(url)
        try:
            await self._peek(feed)
        finally:
            await feed.aclose()

    async def stop(self) -> None:
        for feed in self._feeds:
            await feed.aclose()
"""


def test_a_coroutine_that_only_iterates_what_it_is_given_borrows_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, READ_ONLY, "TRD2") == [
        "31:9 TRD201 `feed` (`Feed(...)`) is never closed; call `await feed.aclose()` in a `finally`",
        "37:9 TRD201 `feed` (`Feed(...)`) is never closed; call `await feed.aclose()` in a `finally`",
    ]


def test_a_coroutine_that_closes_or_keeps_it_or_a_caller_closing_it_is_not_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD2") == []
