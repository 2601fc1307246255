"""A provider built by an async classmethod factory; the service never closes it."""
import aiohttp


class HistoryProvider:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    @classmethod
    async def create(cls) -> "HistoryProvider":
        return cls(aiohttp.ClientSession())

    async def close(self) -> None:
        await self.session.close()


class Service:
    async def start(self) -> None:
        self.history = await HistoryProvider.create()  # error: TRD202

    async def shutdown(self) -> None:
        pass
