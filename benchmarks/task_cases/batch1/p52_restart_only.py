import asyncio


class Feed:
    def __init__(self):
        self._task = None

    async def _pump(self):
        await asyncio.sleep(1)

    def subscribe(self):
        self._task = asyncio.create_task(self._pump())  # error: TRD303

    def resubscribe(self):
        self._task.cancel()
        self.subscribe()

    async def close(self):
        print("closed")
