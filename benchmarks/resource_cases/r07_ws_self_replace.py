"""A websocket replaced in a loop method named `_reconnect`."""
import websockets


class Feed:
    def __init__(self) -> None:
        self._ws = None

    async def start(self) -> None:
        self._ws = await websockets.connect("wss://x")

    async def _reconnect(self) -> None:
        self._ws = await websockets.connect("wss://x")  # error: TRD202

    async def stop(self) -> None:
        if self._ws:
            await self._ws.close()
