import asyncio


async def fetch(symbol):
    await asyncio.sleep(0)


async def warm(symbols):
    {s: asyncio.create_task(fetch(s)) for s in symbols}  # error: TRD301
