"""Provider made in start(), released by aclose(); the service's stop() forgets it."""
import asyncio

import httpx


class CandleProvider:
    async def open(self) -> None:
        self.client = httpx.AsyncClient(timeout=5)

    async def candles(self) -> dict:
        return (await self.client.get("/candles")).json()

    async def aclose(self) -> None:
        await self.client.aclose()


class Strategy:
    async def start(self) -> None:
        self.provider = CandleProvider()  # error: TRD202
        await self.provider.open()
        self.loop_task = asyncio.create_task(self.run())

    async def run(self) -> None:
        while True:
            await self.provider.candles()

    async def stop(self) -> None:
        self.loop_task.cancel()
