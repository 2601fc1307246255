import asyncio


class Link:
    """A device link whose ``disconnect()`` is a coroutine: it says goodbye, then marks it closed."""

    def __init__(self) -> None:
        self.open = False

    async def connect(self) -> None:
        await asyncio.sleep(0)
        self.open = True

    async def disconnect(self) -> None:
        await asyncio.sleep(0)
        self.open = False


class Bridge:
    def __init__(self) -> None:
        self.link = Link()

    async def stop(self) -> None:
        self.link.disconnect()


async def main() -> None:
    bridge = Bridge()
    await bridge.link.connect()
    await bridge.stop()
    print("link open after stop:", bridge.link.open)


asyncio.run(main())
