import asyncio


class Workers:
    def __init__(self):
        self._workers = []

    async def _work(self, n):
        await asyncio.sleep(n)

    def start(self, count):
        for n in range(count):
            self._workers.append(asyncio.create_task(self._work(n)))

    async def shutdown(self):
        for w in self._workers:
            w.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
