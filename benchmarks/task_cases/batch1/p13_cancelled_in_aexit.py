import asyncio


class Session:
    async def __aenter__(self):
        self._keepalive = asyncio.ensure_future(self._ping())
        return self

    async def _ping(self):
        while True:
            await asyncio.sleep(10)

    async def __aexit__(self, *exc):
        self._keepalive.cancel()
