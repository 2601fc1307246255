"""A websocket kept on self; stop() only flips a flag."""
import websockets


class BookStream:
    def __init__(self, url: str) -> None:
        self.url = url
        self.running = False

    async def start(self) -> None:
        self.conn = await websockets.connect(self.url)  # error: TRD202
        self.running = True

    async def stop(self) -> None:
        self.running = False
