import asyncio


class Consumer:
    def __init__(self):
        self._stopping = asyncio.Event()

    async def _consume(self):
        await self._stopping.wait()

    async def start(self):
        self._consumer = asyncio.create_task(self._consume())

    async def stop(self):
        self._stopping.set()
        await self._consumer
