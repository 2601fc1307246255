import aiohttp


class PriceFeed:
    def __init__(self) -> None:
        self.session = None

    async def connect(self) -> None:
        self.session = aiohttp.ClientSession()

    async def disconnect(self) -> None:
        if self.session:
            await self.session.close()
