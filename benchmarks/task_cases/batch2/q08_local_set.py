import asyncio


async def ping(n):
    await asyncio.sleep(n)


async def burst():
    running = set()
    for n in range(3):
        running.add(asyncio.create_task(ping(n)))  # error: TRD302
    return None
