"""Providers appended to a list; shutdown only cancels tasks."""
import asyncio

import aiohttp


class Feed:
    def __init__(self, url: str) -> None:
        self.url = url
        self.session = aiohttp.ClientSession()

    async def stop(self) -> None:
        await self.session.close()


class Aggregator:
    def __init__(self, urls: list[str]) -> None:
        self.feeds = []
        for u in urls:
            self.feeds.append(Feed(u))  # error: TRD202
        self.task: asyncio.Task | None = None

    async def shutdown(self) -> None:
        if self.task:
            self.task.cancel()
