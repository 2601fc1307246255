"""A websocket client replaced on reconnect without closing the old one."""
import websockets


class Stream:
    def __init__(self, url: str) -> None:
        self.url = url
        self.ws = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url)

    async def reconnect(self) -> None:
        self.ws = await websockets.connect(self.url)  # error: TRD202

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
