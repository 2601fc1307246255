import asyncio
from pyee.asyncio import AsyncIOEventEmitter

ee = AsyncIOEventEmitter()


async def handle(msg):
    await asyncio.sleep(0)


def wire():
    ee.on("message", lambda msg: asyncio.create_task(handle(msg)))  # error: TRD301
