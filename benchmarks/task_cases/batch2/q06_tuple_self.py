import asyncio


class Pair:
    async def _a(self):
        await asyncio.sleep(1)

    async def _b(self):
        await asyncio.sleep(1)

    def start(self):
        self._ta = asyncio.create_task(self._a())
        self._tb = asyncio.create_task(self._b())  # error: TRD303

    async def stop(self):
        self._ta.cancel()
