"""A response read after the statement that got it: the session must stay open until then."""

import asyncio
import gc

from aiohttp import ClientSession, web

BODY = b"x" * 3_276_800


async def get(url: str) -> bytes:
    session = ClientSession()
    response = await session.get(url)
    return await response.read()


async def serve() -> "tuple[web.AppRunner, str]":
    async def body(request: web.Request) -> web.Response:
        return web.Response(body=BODY)

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
    print(f"read {len(data)} bytes")
    await runner.cleanup()
    gc.collect()


if __name__ == "__main__":
    asyncio.run(main())
    gc.collect()
