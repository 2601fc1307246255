"""An integration whose client is a subclass of aiohttp's session (LedFx/LedFx ``7aed5515``): its
own ``disconnect()`` closes only the websocket it opened, so the session itself stays open."""

import asyncio

import aiohttp


class WebsocketClient(aiohttp.ClientSession):
    def __init__(self) -> None:
        super().__init__()
        self.websocket = None

    async def disconnect(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()


class Integration:
    def __init__(self) -> None:
        self._client = None

    async def connect(self) -> None:
        self._client = WebsocketClient()

    async def disconnect(self) -> None:
        if self._client is not None:
            await self._client.disconnect()
        print("disconnected")


async def main() -> None:
    integration = Integration()
    try:
        await integration.connect()
    finally:
        await integration.disconnect()
    print(f"client closed: {integration._client.closed}")


if __name__ == "__main__":
    asyncio.run(main())
