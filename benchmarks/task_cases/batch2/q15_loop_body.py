import asyncio


async def notify(user):
    await asyncio.sleep(0)


async def broadcast(users):
    for user in users:
        asyncio.create_task(notify(user))  # error: TRD301
