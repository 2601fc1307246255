import contextlib

import aiohttp
import httpx


async def a(url: str) -> bytes:
    async with contextlib.AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession())
        async with session.get(url) as r:
            return await r.read()


async def b(url: str) -> int:
    async with contextlib.AsyncExitStack() as stack:
        client = httpx.AsyncClient()
        stack.push_async_callback(client.aclose)
        return (await client.get(url)).status_code


class Service:
    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()

    async def start(self) -> None:
        self.session = await self._stack.enter_async_context(aiohttp.ClientSession())

    async def stop(self) -> None:
        await self._stack.aclose()
