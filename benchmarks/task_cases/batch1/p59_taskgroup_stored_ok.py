import asyncio


async def job(n):
    await asyncio.sleep(n)


async def main():
    async with asyncio.TaskGroup() as tg:
        first = tg.create_task(job(1))
        tasks = [tg.create_task(job(n)) for n in range(3)]
    print("all done")
