"""A feed whose ``stop()`` calls its session's ``close()`` without ``await`` (TRD205)."""

import asyncio
import gc

import aiohttp


class Feed:
    async def start(self) -> None:
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        self._session.close()


async def main() -> None:
    feed = Feed()
    try:
        await feed.start()
    finally:
        await feed.stop()
    print("closed:", feed._session.closed)
    del feed
    gc.collect()


asyncio.run(main())
