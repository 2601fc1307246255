import asyncio


class MarketData:
    async def start_streaming(self):
        self._stream_task = asyncio.create_task(self._stream())

    async def _stream(self):
        while True:
            await asyncio.sleep(1)

    async def stop_streaming(self):
        self._stream_task.cancel()
        await asyncio.gather(self._stream_task, return_exceptions=True)
