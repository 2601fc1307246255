"""A worker of the bot package: one listener task is discarded, one is a local with only a
callback (which holds no strong reference)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Callable

from bot.util import label

subscribers: weakref.WeakSet[asyncio.Future[str]] = weakref.WeakSet()
Report = Callable[["asyncio.Task[None]"], None]


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers.add(tick)
    print(f"{label(name)} got {await tick}")


def report(task: asyncio.Task[None]) -> None:
    print(f"done: {task.get_name()}")


async def main() -> None:
    asyncio.create_task(listen("discarded"))
    local = asyncio.create_task(listen("local"), name="local")
    done: Report = report
    local.add_done_callback(done)
    await asyncio.sleep(0)
    gc.collect()
    for tick in list(subscribers):
        tick.set_result("tick")
    await asyncio.sleep(0.01)
