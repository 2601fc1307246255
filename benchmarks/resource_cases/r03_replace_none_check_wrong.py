"""connect() called twice makes a second session; the guard checks the wrong attribute."""
import aiohttp


class Api:
    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None
        self.connected = False

    async def connect(self) -> None:
        self.session = aiohttp.ClientSession()  # error: TRD202
        self.connected = True

    async def reconnect(self) -> None:
        self.connected = False
        await self.connect()

    async def close(self) -> None:
        if self.session:
            await self.session.close()
