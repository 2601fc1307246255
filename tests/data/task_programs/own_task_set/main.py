"""A hub that keeps its pumps in a task set of its own and ends them in ``stop()``; one pump
is started outside the set and runs on after ``stop()``."""

import asyncio
import gc
from typing import Set


class Hub:
    def __init__(self) -> None:
        self._tasks: Set["asyncio.Task[None]"] = set()

    async def start(self) -> None:
        self._tasks.add(asyncio.create_task(self._pump("orders")))
        asyncio.create_task(self._pump("trades"))

    async def _pump(self, topic: str) -> None:
        await asyncio.sleep(3600)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        print("hub stopped")


async def main() -> None:
    hub = Hub()
    await hub.start()
    await asyncio.sleep(0.01)
    await hub.stop()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    print(f"pending after stop: {len(others)}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
gc.collect()
