import aiohttp
import websockets


async def a(url: str) -> bytes:
    async with aiohttp.ClientSession() as session, session.get(url) as r:
        return await r.read()


async def b(url: str) -> str:
    async with websockets.connect(url) as ws:
        return await ws.recv()


async def c(url: str) -> bytes:
    session = aiohttp.ClientSession()
    async with session:
        async with session.get(url) as r:
            return await r.read()
