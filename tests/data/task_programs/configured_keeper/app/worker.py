import asyncio
import gc
import weakref

subscribers: "weakref.WeakSet[asyncio.Future[str]]" = weakref.WeakSet()


async def listen(name: str) -> None:
    tick: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    subscribers.add(tick)
    print(f"{name} got {await tick}")


async def main() -> None:
    asyncio.create_task(listen("worker"))
    await asyncio.sleep(0)
    gc.collect()
    for tick in list(subscribers):
        tick.set_result("tick")
    await asyncio.sleep(0.01)
