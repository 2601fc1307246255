import asyncio


async def job():
    await asyncio.sleep(0)


async def main():
    tg = asyncio.TaskGroup()
    async with tg:
        tg.create_task(job())
