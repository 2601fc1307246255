import asyncio


class Batch:
    def __init__(self):
        self._tasks = []

    async def _one(self, n):
        await asyncio.sleep(n)

    def add(self, n):
        t = asyncio.create_task(self._one(n))
        self._tasks.append(t)

    async def close(self):
        await asyncio.gather(*self._tasks)
