"""A feed that reconnects in a loop and starts a reader on each connection; ``close()`` cancels
the reader it holds. Each reconnect must end the reader before, or one more reads the socket."""

import asyncio
import gc
from typing import Optional


class Feed:
    def __init__(self) -> None:
        self._reader: Optional["asyncio.Task[None]"] = None
        self.connections = 0

    async def _read(self) -> None:
        while True:
            await asyncio.sleep(0.01)

    async def _connect(self) -> None:
        self.connections += 1
        self._reader = asyncio.create_task(self._read())

    async def run(self, reconnects: int) -> None:
        for _ in range(reconnects):
            await self._connect()
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except asyncio.CancelledError:
                pass


def others() -> int:
    return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()])


async def main() -> None:
    feed = Feed()
    await feed.run(3)
    print(f"readers after {feed.connections} connections: {others()}")
    await feed.close()
    print(f"readers after close: {others()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
gc.collect()
