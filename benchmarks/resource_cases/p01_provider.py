"""Incident 002's provider: the service shuts down its tasks, never the provider."""
import asyncio

import aiohttp


class TradeHistoryProvider:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http: aiohttp.ClientSession | None = None

    async def connect(self) -> None:
        self._http = aiohttp.ClientSession(base_url=self.base_url)

    async def fetch(self, symbol: str) -> list:
        assert self._http is not None
        async with self._http.get(f"/trades/{symbol}") as r:
            return await r.json()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None


class MarketDataService:
    def __init__(self) -> None:
        self.history = TradeHistoryProvider("https://api.example")  # error: TRD202
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        await self.history.connect()
        self._tasks.append(asyncio.create_task(self._poll()))

    async def _poll(self) -> None:
        while True:
            await self.history.fetch("BTC")
            await asyncio.sleep(1)

    async def shutdown(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
