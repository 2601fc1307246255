import asyncio


async def ping():
    await asyncio.sleep(0)


async def main():
    task = asyncio.create_task(ping())
    try:
        print("work")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
