import asyncio


async def flush():
    await asyncio.sleep(0)


def schedule_flush():
    loop = asyncio.get_event_loop()
    loop.create_task(flush())  # error: TRD301


def schedule_flush_inline():
    asyncio.get_event_loop().create_task(flush())  # error: TRD301
