import asyncio


async def publish(price):
    await asyncio.sleep(0)


def on_price(loop: asyncio.AbstractEventLoop, price):
    loop.call_soon_threadsafe(loop.create_task, publish(price))  # error: TRD301


def on_price_later(loop: asyncio.AbstractEventLoop, price):
    loop.call_later(0.5, asyncio.ensure_future, publish(price))  # error: TRD301
