"""Closed at the end, but an early return on a bad status skips it."""
import aiohttp


async def balance(url: str) -> float | None:
    session = aiohttp.ClientSession()  # error: TRD201
    resp = await session.get(url)
    if resp.status != 200:
        return None
    data = await resp.json()
    await session.close()
    return data["balance"]
