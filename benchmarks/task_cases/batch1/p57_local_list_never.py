import asyncio


async def ping(n):
    await asyncio.sleep(n)


async def fan_out(n):
    pending = []
    for i in range(n):
        pending.append(asyncio.create_task(ping(i)))  # error: TRD302
    print("started", n)
