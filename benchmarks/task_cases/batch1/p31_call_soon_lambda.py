import asyncio


async def reconnect():
    await asyncio.sleep(0)


def on_disconnect(loop: asyncio.AbstractEventLoop):
    loop.call_soon(lambda: asyncio.ensure_future(reconnect()))  # error: TRD301
    loop.call_later(5, lambda: loop.create_task(reconnect()))  # error: TRD301
