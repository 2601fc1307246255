import asyncio


class PriceStream:
    def __init__(self):
        self._running = False

    async def start(self):
        self._running = True
        self._reader = asyncio.create_task(self._read())  # error: TRD303

    async def _read(self):
        while self._running:
            await self._ticks.get()  # blocks until a tick: clearing the flag does not end it

    async def close(self):
        self._running = False
