import asyncio
import contextlib


async def ping():
    await asyncio.sleep(0)


def kick():
    with contextlib.suppress(RuntimeError):
        asyncio.create_task(ping())  # error: TRD301
