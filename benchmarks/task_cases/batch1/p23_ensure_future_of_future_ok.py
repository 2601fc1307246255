import asyncio


def wrap(fut: asyncio.Future):
    return asyncio.ensure_future(fut)


async def main(fut: asyncio.Future):
    f = asyncio.ensure_future(fut)
    await f
