import asyncio


async def joined():
    await asyncio.sleep(0)


def wire(sio):
    sio.on("connect", handler=lambda: asyncio.create_task(joined()))  # error: TRD301
