import asyncio


async def refresh_cache():
    await asyncio.sleep(0)


def on_request():
    asyncio.ensure_future(refresh_cache())  # error: TRD301
