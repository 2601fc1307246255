"""Handed to a helper coroutine that borrows it; nobody closes it."""
import aiohttp


async def fetch_all(session: aiohttp.ClientSession, urls: list[str]) -> list[bytes]:
    out = []
    for u in urls:
        async with session.get(u) as r:
            out.append(await r.read())
    return out


async def main(urls: list[str]) -> list[bytes]:
    session = aiohttp.ClientSession()  # error: TRD201
    return await fetch_all(session, urls)
