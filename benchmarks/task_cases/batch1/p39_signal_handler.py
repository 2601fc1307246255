import asyncio
import signal


async def shutdown():
    await asyncio.sleep(0)


def install(loop: asyncio.AbstractEventLoop):
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.create_task(shutdown()))  # error: TRD301
