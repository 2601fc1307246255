import asyncio


async def fetch():
    await asyncio.sleep(0)
    return 1


async def main():
    task = asyncio.create_task(fetch())
    print("doing other work")
    result = await task
    return result
