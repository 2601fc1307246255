"""A worker of the bot package: one listener task is discarded."""

from __future__ import annotations

import asyncio
import gc
import weakref

from bot.util import label

subscribers: weakref.WeakSet[asyncio.Future[str]] = weakref.WeakSet()


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers.add(tick)
    print(f"{label(name)} got {await tick}")


async def main() -> None:
    asyncio.create_task(listen("discarded"))
    await asyncio.sleep(0)
    gc.collect()
    for tick in list(subscribers):
        tick.set_result("tick")
    await asyncio.sleep(0.01)
