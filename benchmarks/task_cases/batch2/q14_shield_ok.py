import asyncio


async def save():
    await asyncio.sleep(0)


async def main():
    await asyncio.shield(asyncio.create_task(save()))
