import asyncio


async def a(x):
    await asyncio.sleep(0)


async def b(x):
    await asyncio.sleep(0)


async def main(xs):
    [asyncio.create_task(a(x)) if x else asyncio.create_task(b(x)) for x in xs]  # error: TRD301, TRD301
