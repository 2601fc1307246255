"""A first-party provider used as a local and never closed."""
import aiohttp


class Quotes:
    async def connect(self) -> None:
        self.session = aiohttp.ClientSession()

    async def last(self, s: str) -> float:
        async with self.session.get(f"/q/{s}") as r:
            return float(await r.text())

    async def close(self) -> None:
        await self.session.close()


async def last_price(s: str) -> float:
    q = Quotes()  # error: TRD201
    await q.connect()
    return await q.last(s)


async def last_price_ok(s: str) -> float:
    q = Quotes()
    await q.connect()
    try:
        return await q.last(s)
    finally:
        await q.close()
