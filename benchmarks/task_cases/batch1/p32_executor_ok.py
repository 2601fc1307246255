import asyncio
import time


def blocking():
    time.sleep(1)


async def main():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, blocking)
    fut = loop.run_in_executor(None, blocking)
    await fut
