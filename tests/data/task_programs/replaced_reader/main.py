"""A client whose ``connect()`` starts a reader each time it is called: a reconnect must end
the old reader, and ``close()`` the last one."""

import asyncio
import gc
from typing import Optional


class Client:
    def __init__(self) -> None:
        self.connections = 0
        self._reader: Optional["asyncio.Task[None]"] = None

    async def connect(self) -> None:
        self.connections += 1
        self._reader = asyncio.create_task(self._read(self.connections))

    async def _read(self, connection: int) -> None:
        while True:
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        print(f"closed after {self.connections} connections")


async def main() -> None:
    client = Client()
    await client.connect()
    await asyncio.sleep(0.02)
    await client.connect()
    await asyncio.sleep(0.02)
    readers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    print(f"readers while connected: {len(readers)}")
    await client.close()
    readers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    print(f"readers after close: {len(readers)}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
gc.collect()
