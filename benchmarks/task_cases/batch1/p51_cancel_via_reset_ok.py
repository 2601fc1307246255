import asyncio


class Stream:
    def open(self):
        self._task = asyncio.create_task(self._pump())

    async def _pump(self):
        await asyncio.sleep(1)

    def _reset(self):
        if self._task:
            self._task.cancel()
            self._task = None

    async def close(self):
        self._reset()
