"""A module-global session created lazily and never closed."""
import aiohttp

_session: aiohttp.ClientSession | None = None


async def get(url: str) -> bytes:
    global _session
    if _session is None:
        _session = aiohttp.ClientSession()  # error: TRD201
    async with _session.get(url) as r:
        return await r.read()
