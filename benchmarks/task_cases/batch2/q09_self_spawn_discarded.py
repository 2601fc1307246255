import asyncio


class Engine:
    def __init__(self, loop):
        self._loop = loop

    async def _tick(self):
        await asyncio.sleep(0)

    def _spawn(self):
        return self._loop.create_task(self._tick())

    def on_event(self):
        self._spawn()  # error: TRD301
