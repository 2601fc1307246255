import websockets


class Stream:
    def __init__(self, url: str) -> None:
        self.url = url
        self.ws = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url)

    async def reconnect(self) -> None:
        await self.close()
        await self.connect()

    async def recreate(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        self.ws = await websockets.connect(self.url)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
