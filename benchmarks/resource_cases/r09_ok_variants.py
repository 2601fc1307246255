import contextlib

import aiohttp
import httpx


class Holder:
    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()

    async def start(self) -> None:
        self.http = httpx.AsyncClient()
        self._stack.push_async_callback(self.http.aclose)

    async def stop(self) -> None:
        await self._stack.aclose()


async def returned_from_helper() -> aiohttp.ClientSession:
    s = aiohttp.ClientSession()
    s.headers.update({"a": "b"})
    return s


class Reconnect:
    def __init__(self) -> None:
        self.session = aiohttp.ClientSession()

    async def reconnect(self) -> None:
        old = self.session
        self.session = aiohttp.ClientSession()
        await old.close()

    async def close(self) -> None:
        await self.session.close()
