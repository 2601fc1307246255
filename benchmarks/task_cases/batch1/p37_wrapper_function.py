import asyncio


async def job():
    await asyncio.sleep(0)


def fire_and_forget(coro):
    return asyncio.create_task(coro)


async def main():
    fire_and_forget(job())  # error: TRD301
