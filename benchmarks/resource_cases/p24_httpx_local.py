"""httpx.AsyncClient used and never closed."""
from httpx import AsyncClient


async def price(symbol: str) -> float:
    client = AsyncClient(timeout=10)  # error: TRD201
    r = await client.get(f"https://api/price/{symbol}")
    return float(r.json()["price"])


async def price_ok(symbol: str) -> float:
    async with AsyncClient(timeout=10) as client:
        r = await client.get(f"https://api/price/{symbol}")
        return float(r.json()["price"])
