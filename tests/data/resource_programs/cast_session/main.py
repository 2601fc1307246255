"""A session made inside ``typing.cast``: cast returns it unchanged, so it is still the caller's
to close (before the fix: "Unclosed client session" at exit)."""

import asyncio
import gc
from typing import cast

from aiohttp import ClientSession, web


async def get(url: str) -> bytes:
    session = cast(ClientSession, ClientSession())
    response = await session.get(url)
    return await response.read()


async def serve() -> "tuple[web.AppRunner, str]":
    async def body(request: web.Request) -> web.Response:
        return web.Response(body=b"ok")

    app = web.Application()
    app.router.add_get("/", body)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/"


async def main() -> None:
    runner, url = await serve()
    data = await get(url)
    print(f"read {data.decode()}")
    await runner.cleanup()
    gc.collect()


if __name__ == "__main__":
    asyncio.run(main())
