from asyncio import create_task as spawn
import asyncio as aio


async def job():
    await aio.sleep(0)


async def main():
    spawn(job())  # error: TRD301
    aio.ensure_future(job())  # error: TRD301
