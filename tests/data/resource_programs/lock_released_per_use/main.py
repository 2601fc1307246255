"""A client whose ``connect()`` takes a lock and releases it in its ``finally``, at every request:
it releases something, and is no end of the client. Closing the session there (the fix once
did) made the second request fail with "Session is closed"."""

import asyncio
import gc

import aiohttp
from aiohttp import web


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        self.session = aiohttp.ClientSession()
        self.lock = asyncio.Lock()
        self.status = 0

    async def connect(self) -> None:
        await self.lock.acquire()
        try:
            async with self.session.get(self.url) as response:
                self.status = response.status
        finally:
            self.lock.release()


async def serve() -> "tuple[web.AppRunner, str]":
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", ok)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/"


async def main() -> None:
    runner, url = await serve()
    client = Client(url)
    for _ in range(2):
        await client.connect()
        print(f"got {client.status}")
    await runner.cleanup()
    del client
    gc.collect()


if __name__ == "__main__":
    asyncio.run(main())
    gc.collect()
