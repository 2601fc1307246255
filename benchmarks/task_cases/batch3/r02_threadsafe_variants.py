import asyncio


async def handle(x):
    await asyncio.sleep(0)


def spawn_handle(x):
    t = asyncio.create_task(handle(x))
    return t


class Base:
    def _schedule(self, x):
        return asyncio.ensure_future(handle(x))


class Worker(Base):
    def __init__(self, loop):
        self._loop = loop

    @staticmethod
    def _static_spawn(x):
        return asyncio.create_task(handle(x))

    def from_thread(self, x):
        self._loop.call_soon_threadsafe(spawn_handle, x)  # error: TRD301
        self._loop.call_soon_threadsafe(self._schedule, x)  # error: TRD301
