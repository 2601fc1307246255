"""Two project wrappers: ``spawn`` returns the task on every path, ``maybe_spawn`` returns None
when the work runs inline. Subscribers are held weakly, as pub/sub registries often do."""

import asyncio
import gc
import weakref
from typing import Any, Coroutine, Optional

INLINE = True
subscribers: "weakref.WeakSet[asyncio.Future[str]]" = weakref.WeakSet()


def spawn(coro: Coroutine[Any, Any, None]) -> "asyncio.Task[None]":
    return asyncio.create_task(coro)


def maybe_spawn(coro: Coroutine[Any, Any, None]) -> Optional["asyncio.Task[None]"]:
    if INLINE:
        coro.close()
        print("ran inline")
        return None
    return asyncio.create_task(coro)


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers.add(tick)
    print(f"{name} got {await tick}")


async def main() -> None:
    spawn(listen("spawned"))
    maybe_spawn(listen("maybe"))
    await asyncio.sleep(0)
    gc.collect()  # what the collector may do at any time
    for tick in list(subscribers):
        tick.set_result("tick")
    await asyncio.sleep(0.01)


asyncio.run(main())
