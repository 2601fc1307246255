import asyncio

import aiohttp


class Provider:
    def __init__(self) -> None:
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        if not self.session.closed:
            await self.session.close()

    async def __aenter__(self) -> "Provider":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def use() -> None:
    async with Provider() as p:
        await p.session.get("/x")


class Service:
    def __init__(self) -> None:
        self.provider = Provider()
        self._lock = asyncio.Lock()

    async def shutdown(self) -> None:
        async with self._lock:
            await self.provider.close()


class Service2:
    def __init__(self) -> None:
        self.provider = Provider()

    async def shutdown(self) -> None:
        await self.provider.session.close()
