import aiohttp
import httpx


async def a(url: str) -> bytes:
    session = aiohttp.ClientSession()
    try:
        async with session.get(url) as r:
            return await r.read()
    finally:
        await session.close()


async def b(url: str) -> int:
    client = httpx.AsyncClient()
    try:
        return (await client.get(url)).status_code
    finally:
        await client.aclose()
