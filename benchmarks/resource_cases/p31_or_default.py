"""A session defaulted with `or` when none is given, never closed."""
import aiohttp


class RestClient:
    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session or aiohttp.ClientSession()  # error: TRD202

    async def get(self, path: str) -> dict:
        async with self._session.get(path) as r:
            return await r.json()
