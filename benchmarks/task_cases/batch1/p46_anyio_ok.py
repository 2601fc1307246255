import anyio


async def job(n):
    await anyio.sleep(n)


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(job, 1)
