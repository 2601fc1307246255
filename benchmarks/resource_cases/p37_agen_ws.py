"""An async generator yielding messages inside async with websockets.connect()."""
import websockets


async def messages(url: str):
    async with websockets.connect(url) as ws:  # error: TRD204
        async for m in ws:
            yield m
