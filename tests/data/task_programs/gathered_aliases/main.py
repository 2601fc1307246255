"""A fan-out started with ``asyncio.gather`` nobody awaits, and a task made through a module
alias of ``ensure_future``. Listeners wait on futures held weakly, as pub/sub registries often
do: nothing but the loop's weak set knows the tasks."""

import asyncio
import gc
import weakref

from util import spawn

subscribers: "weakref.WeakSet[asyncio.Future[str]]" = weakref.WeakSet()


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers.add(tick)
    print(f"{name} got {await tick}")


async def main() -> None:
    asyncio.gather(listen("first"), listen("second"))
    spawn(listen("spawned"))
    await asyncio.sleep(0)
    gc.collect()  # what the collector may do at any time
    for tick in list(subscribers):
        tick.set_result("tick")
    await asyncio.sleep(0.01)


asyncio.run(main())
