import asyncio


async def ping():
    await asyncio.sleep(0)


def start(event_loop: asyncio.AbstractEventLoop):
    event_loop.create_task(ping())  # error: TRD301
