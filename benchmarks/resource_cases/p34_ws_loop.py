"""A reconnect loop: each failed subscription leaks the connection."""
import asyncio

import websockets


async def listen(url: str) -> None:
    while True:
        ws = await websockets.connect(url)  # error: TRD201
        try:
            async for msg in ws:
                print(msg)
        except websockets.ConnectionClosed:
            await asyncio.sleep(1)
