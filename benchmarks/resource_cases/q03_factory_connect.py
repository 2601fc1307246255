"""A provider built by an async factory that connects it; the service never closes it."""
import httpx


class Prices:
    async def connect(self) -> None:
        self.client = httpx.AsyncClient()

    @classmethod
    async def open(cls) -> "Prices":
        self = cls()
        await self.connect()
        return self

    async def aclose(self) -> None:
        await self.client.aclose()


class Bot:
    async def start(self) -> None:
        self.prices = await Prices.open()  # error: TRD202

    async def stop(self) -> None:
        pass


class BotOk:
    async def start(self) -> None:
        self.prices = await Prices.open()

    async def stop(self) -> None:
        await self.prices.aclose()


async def once() -> None:
    p = await Prices.open()  # error: TRD201
    await p.client.get("/x")
