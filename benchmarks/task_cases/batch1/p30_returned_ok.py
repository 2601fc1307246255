import asyncio


async def save(x):
    await asyncio.sleep(0)


def start_save(x) -> asyncio.Task:
    return asyncio.create_task(save(x))


async def caller():
    t = start_save(1)
    await t
