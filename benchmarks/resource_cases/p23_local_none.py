"""A local set to None after use, never closed."""
import httpx


async def probe(url: str) -> int:
    c = httpx.AsyncClient()  # error: TRD201
    r = await c.get(url)
    c = None
    return r.status_code
