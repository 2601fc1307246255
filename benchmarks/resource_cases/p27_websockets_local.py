"""A websocket connection awaited and never closed."""
import json

import websockets


async def snapshot(url: str) -> dict:
    ws = await websockets.connect(url)  # error: TRD201
    await ws.send(json.dumps({"op": "subscribe", "channel": "book"}))
    return json.loads(await ws.recv())


async def snapshot_ok(url: str) -> dict:
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"op": "subscribe", "channel": "book"}))
        return json.loads(await ws.recv())
