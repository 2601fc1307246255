"""A worker group that keeps its tasks only in a ``WeakSet`` (logging each one as it starts):
a worker waiting on a future held weakly, as pub/sub registries often do, is collected before
its tick arrives, and the group's ``aclose()`` has nothing left to end."""

import asyncio
import gc
import logging
import weakref
from typing import Any, Coroutine

logger = logging.getLogger(__name__)
subscribers: "weakref.WeakSet[asyncio.Future[str]]" = weakref.WeakSet()


class Group:
    def __init__(self) -> None:
        self._tasks: "weakref.WeakSet[asyncio.Task[None]]" = weakref.WeakSet()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        logger.debug("%r spawned", task)
        self._tasks.add(task)

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        print("group closed")


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers.add(tick)
    print(f"{name} got {await tick}")


async def main() -> None:
    group = Group()
    group.spawn(listen("prices"))
    await asyncio.sleep(0)
    gc.collect()  # what the collector may do at any time
    for tick in list(subscribers):
        tick.set_result("tick")
    await asyncio.sleep(0.01)
    await group.aclose()


asyncio.run(main())
