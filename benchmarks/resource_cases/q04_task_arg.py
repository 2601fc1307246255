"""A local session handed to a background task, never closed."""
import asyncio

import aiohttp


async def worker(session: aiohttp.ClientSession) -> None:
    while True:
        (await session.get("/heartbeat")).release()
        await asyncio.sleep(10)


async def main() -> None:
    session = aiohttp.ClientSession()  # error: TRD201
    task = asyncio.create_task(worker(session))
    await asyncio.sleep(60)
    task.cancel()
