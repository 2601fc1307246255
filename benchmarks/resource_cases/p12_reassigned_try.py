"""A session reassigned inside try: finally closes only the second one."""
import aiohttp


async def fetch(url: str, token: str | None) -> dict:
    session = aiohttp.ClientSession()  # error: TRD201
    try:
        if token:
            session = aiohttp.ClientSession(headers={"Authorization": token})
        async with session.get(url) as r:
            return await r.json()
    finally:
        await session.close()


async def fetch_ok(url: str, token: str | None) -> dict:
    headers = {"Authorization": token} if token else {}
    session = aiohttp.ClientSession(headers=headers)
    try:
        async with session.get(url) as r:
            return await r.json()
    finally:
        await session.close()
