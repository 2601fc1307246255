"""A session kept on the class by a class method, shared by every instance: closing it in one
instance's close() (the TRD202 fix of session 16 and before) broke the others with "Session is
closed"."""

import asyncio

import aiohttp
from aiohttp import web


class Api:
    _session = None

    def __init__(self, url):
        self.url = url

    @classmethod
    def session(cls):
        if cls._session is None:
            cls._session = aiohttp.ClientSession()
        return cls._session

    async def get(self):
        async with self.session().get(self.url) as response:
            return await response.text()

    async def close(self):
        pass


async def main():
    async def body(request):
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", body)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        url = f"http://{host}:{port}/"
        first, second = Api(url), Api(url)
        print(await first.get())
        await first.close()
        print(await second.get())
        await Api._session.close()
    finally:
        await runner.cleanup()


asyncio.run(main())
