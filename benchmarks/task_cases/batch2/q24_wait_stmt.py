import asyncio


async def race(a, b):
    tasks = [asyncio.create_task(a()), asyncio.create_task(b())]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)  # error: TRD304
