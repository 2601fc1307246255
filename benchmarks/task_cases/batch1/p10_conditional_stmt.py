import asyncio


async def fast():
    await asyncio.sleep(0)


async def slow():
    await asyncio.sleep(1)


async def kick(urgent: bool):
    asyncio.create_task(fast()) if urgent else asyncio.create_task(slow())  # error: TRD301, TRD301


async def kick_maybe(urgent: bool):
    asyncio.ensure_future(fast()) if urgent else None  # error: TRD301
