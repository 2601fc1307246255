"""A TCPConnector the session does not own, never closed."""
import aiohttp


async def fetch(url: str) -> bytes:
    connector = aiohttp.TCPConnector(limit=5)  # error: TRD201
    async with aiohttp.ClientSession(connector=connector, connector_owner=False) as s:
        async with s.get(url) as r:
            return await r.read()


async def fetch_ok(url: str) -> bytes:
    connector = aiohttp.TCPConnector(limit=5)
    async with aiohttp.ClientSession(connector=connector) as s:
        async with s.get(url) as r:
            return await r.read()
