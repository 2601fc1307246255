import asyncio


async def poll(name):
    await asyncio.sleep(1)


async def start_all():
    [asyncio.create_task(poll("a")), asyncio.create_task(poll("b"))]  # error: TRD301, TRD301
