import asyncio

import aiohttp


class Provider:
    async def connect(self) -> None:
        self._s = aiohttp.ClientSession()

    async def close(self) -> None:
        await self._s.close()


class Service:
    def __init__(self) -> None:
        self.a = Provider()
        self.b = Provider()

    async def shutdown(self) -> None:
        await asyncio.gather(self.a.close(), self.b.close())


class Service2:
    def __init__(self) -> None:
        self.providers = {"x": Provider()}
        self.main = Provider()

    async def shutdown(self) -> None:
        for p in [self.main]:
            await p.close()
        for p in self.providers.values():
            await p.close()
