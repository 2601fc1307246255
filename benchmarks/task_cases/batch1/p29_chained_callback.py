import asyncio


async def save(x):
    await asyncio.sleep(0)


def persist(x):
    asyncio.create_task(save(x)).add_done_callback(lambda t: t.exception())  # error: TRD301
