import asyncio


async def on_readable():
    await asyncio.sleep(0)


def watch(loop: asyncio.AbstractEventLoop, fd: int):
    loop.add_reader(fd, lambda: asyncio.ensure_future(on_readable()))  # error: TRD301
