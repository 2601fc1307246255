import asyncio


async def a():
    await asyncio.sleep(0)


async def main():
    (asyncio.create_task(a()), asyncio.ensure_future(a()))  # error: TRD301, TRD301
