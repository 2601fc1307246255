import asyncio


class Dispatcher:
    def __init__(self):
        self._inflight: set[asyncio.Task] = set()

    async def handle(self, msg):
        await asyncio.sleep(0)

    def dispatch(self, msg):
        task = asyncio.create_task(self.handle(msg))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def close(self):
        for task in self._inflight:
            task.cancel()
