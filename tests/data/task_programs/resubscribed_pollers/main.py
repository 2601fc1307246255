"""A service that resubscribes every symbol after a reconnect; ``close()`` ends the pollers it
holds. Resubscribing must end each symbol's old poller, or every reconnect doubles them."""

import asyncio
import gc
from typing import Dict


class Pollers:
    def __init__(self) -> None:
        self._pollers: Dict[str, "asyncio.Task[None]"] = {}

    async def _poll(self, symbol: str) -> None:
        while True:
            await asyncio.sleep(0.01)

    async def subscribe(self, symbol: str) -> None:
        self._pollers[symbol] = asyncio.create_task(self._poll(symbol))

    async def on_reconnect(self) -> None:
        for symbol in list(self._pollers):
            await self.subscribe(symbol)

    async def close(self) -> None:
        for task in self._pollers.values():
            task.cancel()
        await asyncio.gather(*self._pollers.values(), return_exceptions=True)


def others() -> int:
    return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()])


async def main() -> None:
    pollers = Pollers()
    await pollers.subscribe("BTC-USD")
    await pollers.subscribe("ETH-USD")
    await pollers.on_reconnect()
    await pollers.on_reconnect()
    await asyncio.sleep(0.02)
    print(f"pollers after two reconnects: {others()}")
    await pollers.close()
    print(f"pollers after close: {others()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
gc.collect()
