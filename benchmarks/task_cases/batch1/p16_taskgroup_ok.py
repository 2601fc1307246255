import asyncio


async def fetch(n):
    await asyncio.sleep(n)


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fetch(1))
        tg.create_task(fetch(2))
        [tg.create_task(fetch(n)) for n in range(3)]
