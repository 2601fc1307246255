"""A feed whose ``restart()`` calls ``stop()`` and starts again: ``stop()`` is not the end of
the feed's life, and the announcement each start makes must not be cancelled by a restart."""

import asyncio
import gc
import weakref

ticks: "weakref.WeakValueDictionary[int, asyncio.Future[str]]" = weakref.WeakValueDictionary()


async def announce(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    ticks[len(ticks) + 1] = tick  # a subscription registry holds it weakly
    print(f"{name}: {await tick}")


class Feed:
    def __init__(self, name: str) -> None:
        self.name = name
        self.generation = 0

    async def start(self) -> None:
        self.generation += 1
        label = f"{self.name} generation {self.generation}"
        asyncio.create_task(announce(label))

    async def stop(self) -> None:
        await asyncio.sleep(0)

    async def restart(self) -> None:
        await self.stop()
        await self.start()


async def main() -> None:
    feed = Feed("quotes")
    await feed.start()
    await asyncio.sleep(0)
    await feed.restart()
    await asyncio.sleep(0)
    gc.collect()  # what the collector may do at any time
    for key in sorted(ticks):
        ticks[key].set_result("subscribed")
    await asyncio.sleep(0.01)


asyncio.run(main())
