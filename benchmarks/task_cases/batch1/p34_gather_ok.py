import asyncio


async def one(n):
    await asyncio.sleep(n)


async def main():
    await asyncio.gather(*[asyncio.create_task(one(n)) for n in range(3)])
    results = await asyncio.gather(asyncio.ensure_future(one(1)), asyncio.ensure_future(one(2)))
    return results
