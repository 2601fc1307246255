"""An exchange account whose ``close()`` closes the open position, a remote call: it is no
teardown, and the fills watcher must keep running to see the closing fill."""

import asyncio
import gc
import weakref
from typing import List


class Exchange:
    def __init__(self) -> None:
        self.fills: "weakref.WeakSet[asyncio.Future[str]]" = weakref.WeakSet()
        self.sent: List[str] = []

    async def request(self, what: str) -> None:
        await asyncio.sleep(0)
        self.sent.append(what)

    def fill(self, text: str) -> None:
        for waiter in list(self.fills):
            waiter.set_result(text)


class Account:
    def __init__(self, exchange: Exchange) -> None:
        self._exchange = exchange

    async def open(self) -> None:
        await self._exchange.request("open")
        asyncio.create_task(self._watch_fills())

    async def _watch_fills(self) -> None:
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._exchange.fills.add(waiter)  # the exchange client holds waiters weakly
        print(f"fill: {await waiter}")

    async def close(self) -> None:
        await self._exchange.request("close")


async def main() -> None:
    exchange = Exchange()
    account = Account(exchange)
    await account.open()
    await account.close()
    gc.collect()  # what the collector may do at any time
    exchange.fill("position closed")
    await asyncio.sleep(0.01)
    print(f"sent: {exchange.sent}")


asyncio.run(main())
