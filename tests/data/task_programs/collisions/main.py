"""A module that already has a ``_keep_task`` (another signature) and, further down, a
module-level ``_background_tasks``: the fix must use names of its own."""

import asyncio
import gc
import weakref

# By name, so that ticks go out in one order (a WeakSet's order follows addresses).
subscribers: "weakref.WeakValueDictionary[str, asyncio.Future[str]]" = weakref.WeakValueDictionary()


def _keep_task(label: str) -> str:
    return f"kept {label}"


def log_done(task: "asyncio.Task[None]") -> None:
    print("listener finished")


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers[name] = tick
    print(f"{name} got {await tick}")


async def main() -> None:
    print(_keep_task("label"))
    asyncio.create_task(listen("discarded"))
    local = asyncio.create_task(listen("local"))
    local.add_done_callback(log_done)
    await asyncio.sleep(0)
    gc.collect()
    for _, tick in sorted(subscribers.items(), key=lambda item: item[0]):
        tick.set_result("tick")
    await asyncio.sleep(0.01)
    print(f"background: {_background_tasks}")


_background_tasks = ["not", "a", "set"]

asyncio.run(main())
