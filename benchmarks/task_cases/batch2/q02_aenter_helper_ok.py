import asyncio


class Conn:
    async def __aenter__(self):
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self):
        await asyncio.sleep(1)

    async def _stop_reader(self):
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)

    async def __aexit__(self, *exc):
        await self._stop_reader()
