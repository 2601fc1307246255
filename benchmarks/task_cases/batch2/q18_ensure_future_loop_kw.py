import asyncio


async def fetch():
    await asyncio.sleep(0)


def go(loop):
    asyncio.ensure_future(fetch(), loop=loop)  # error: TRD301
