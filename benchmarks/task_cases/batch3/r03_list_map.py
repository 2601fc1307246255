import asyncio


async def job(n):
    await asyncio.sleep(n)


async def main(coros):
    list(map(asyncio.create_task, coros))  # error: TRD301
