import asyncio


class Pool:
    def __init__(self, size):
        self.size = size
        self.queue = asyncio.Queue()

    async def _worker(self, n):
        while True:
            await self.queue.get()

    def start(self):
        self._workers = [asyncio.create_task(self._worker(n)) for n in range(self.size)]

    async def close(self):
        for w in self._workers:
            w.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
