"""asynccontextmanager closing in except only."""
import contextlib

import httpx


@contextlib.asynccontextmanager
async def api():
    client = httpx.AsyncClient()  # error: TRD201
    try:
        yield client
    except Exception:
        await client.aclose()
        raise
