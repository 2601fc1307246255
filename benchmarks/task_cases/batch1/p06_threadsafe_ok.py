import asyncio

_pending: set = set()


async def publish(price):
    await asyncio.sleep(0)


def _spawn(price):
    task = asyncio.create_task(publish(price))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


def on_price(loop: asyncio.AbstractEventLoop, price):
    loop.call_soon_threadsafe(_spawn, price)


def on_future(loop: asyncio.AbstractEventLoop, price):
    return asyncio.run_coroutine_threadsafe(publish(price), loop)
