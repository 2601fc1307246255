"""An async stream whose ``__anext__`` acknowledges each message in a task of its own: the
acknowledgements are bookkeeping that must complete, also when the stream is closed."""

import asyncio


class Stream:
    def __init__(self, size: int) -> None:
        self._size = size
        self._sent = 0

    def __aiter__(self) -> "Stream":
        return self

    async def __anext__(self) -> int:
        if self._sent == self._size:
            raise StopAsyncIteration
        self._sent += 1
        asyncio.create_task(self._ack(self._sent))
        return self._sent

    async def _ack(self, number: int) -> None:
        await asyncio.sleep(0.05)  # a round trip to the broker
        print(f"acked {number}")

    async def aclose(self) -> None:
        print("stream closed")


async def main() -> None:
    stream = Stream(3)
    async for number in stream:
        print(f"got {number}")
    await stream.aclose()


asyncio.run(main())
