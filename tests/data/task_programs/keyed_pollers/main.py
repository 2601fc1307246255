"""A market-data service that polls each subscribed symbol; subscribing again to a symbol must
replace its poller, not add a second one, and ``close()`` must end every poller."""

import asyncio
import gc
from typing import Dict


class Pollers:
    def __init__(self) -> None:
        self._pollers: Dict[str, "asyncio.Task[None]"] = {}
        self.polls = 0

    async def _poll(self, symbol: str) -> None:
        while True:
            self.polls += 1
            await asyncio.sleep(0.01)

    async def subscribe(self, symbol: str) -> None:
        self._pollers[symbol] = asyncio.create_task(self._poll(symbol))

    async def close(self) -> None:
        print(f"closing with {len(self._pollers)} symbols")


def others() -> int:
    return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()])


async def main() -> None:
    pollers = Pollers()
    await pollers.subscribe("BTC-USD")
    await pollers.subscribe("ETH-USD")
    await pollers.subscribe("BTC-USD")
    await asyncio.sleep(0.02)
    print(f"pollers while subscribed: {others()}")
    await pollers.close()
    print(f"pollers after close: {others()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
gc.collect()
