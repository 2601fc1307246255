"""Incident 002 again: the provider is an attribute set in start(); shutdown closes the exchange only."""
import asyncio

import aiohttp
import ccxt.async_support as ccxt


class TradeHistory:
    def __init__(self) -> None:
        self._session = None

    async def connect(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self._session:
            await self._session.close()
            self._session = None


class TradingService:
    def __init__(self) -> None:
        self.exchange = ccxt.binance()
        self.tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self.history = TradeHistory()  # error: TRD202
        await self.history.connect()

    async def shutdown(self) -> None:
        for t in self.tasks:
            t.cancel()
        await self.exchange.close()
