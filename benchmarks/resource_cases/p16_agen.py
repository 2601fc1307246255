"""An async generator yielding inside async with ClientSession()."""
import aiohttp


async def tickers(symbols: list[str]):
    async with aiohttp.ClientSession() as session:  # error: TRD204
        for s in symbols:
            async with session.get(f"/ticker/{s}") as r:
                yield await r.json()


async def tickers_ok(symbols: list[str]) -> list:
    out = []
    async with aiohttp.ClientSession() as session:
        for s in symbols:
            async with session.get(f"/ticker/{s}") as r:
                out.append(await r.json())
    return out
