import asyncio


async def fetch():
    await asyncio.sleep(0)


def from_thread(loop):
    asyncio.run_coroutine_threadsafe(fetch(), loop)
