"""Cross-module provider: the feed lives in another module."""
from .feeds import PriceFeed


class Quoter:
    def __init__(self) -> None:
        self.feed = PriceFeed()  # error: TRD202

    async def start(self) -> None:
        await self.feed.connect()

    async def __aenter__(self) -> "Quoter":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass


class QuoterOk:
    def __init__(self) -> None:
        self.feed = PriceFeed()

    async def start(self) -> None:
        await self.feed.connect()

    async def close(self) -> None:
        await self.feed.disconnect()
