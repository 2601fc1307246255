import httpx


class Feed:
    def __init__(self) -> None:
        self._client = httpx.AsyncClient()

    async def aclose(self) -> None:
        await self._client.aclose()


class Svc:
    def __init__(self) -> None:
        self.feed = Feed()

    async def stop(self) -> None:
        await self.feed.aclose()
