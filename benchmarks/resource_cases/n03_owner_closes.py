import aiohttp


class Api:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def get(self, path: str) -> dict:
        async with self._session.get(path) as r:
            return await r.json()

    async def close(self) -> None:
        await self._session.close()


async def main() -> None:
    api = Api(aiohttp.ClientSession())
    try:
        await api.get("/x")
    finally:
        await api.close()


class App:
    def __init__(self) -> None:
        self.api = Api(session=aiohttp.ClientSession())

    async def shutdown(self) -> None:
        await self.api.close()
