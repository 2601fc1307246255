import asyncio

_monitor = None


async def monitor():
    while True:
        await asyncio.sleep(1)


def start():
    global _monitor
    _monitor = asyncio.create_task(monitor())


async def stop():
    if _monitor is not None:
        _monitor.cancel()
