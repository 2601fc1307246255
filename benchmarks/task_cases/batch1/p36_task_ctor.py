import asyncio


async def job():
    await asyncio.sleep(0)


async def main():
    asyncio.Task(job())  # error: TRD301
