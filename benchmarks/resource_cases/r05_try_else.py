"""Closed in the try's else: an exception skips it."""
import httpx


async def ping(url: str) -> bool:
    client = httpx.AsyncClient()  # error: TRD201
    try:
        r = await client.get(url)
    except httpx.HTTPError:
        return False
    else:
        await client.aclose()
        return r.status_code == 200
