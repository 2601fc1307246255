"""A log exporter that sends its batch in a task: ``close()`` must let the batch in flight
reach the collector, not cancel it."""

import asyncio
from typing import List, Optional


class Exporter:
    def __init__(self) -> None:
        self._batch: List[str] = []
        self._flush_task: Optional["asyncio.Task[None]"] = None

    async def log(self, record: str) -> None:
        self._batch.append(record)
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(0.05)  # the collector's round trip
        batch, self._batch = self._batch, []
        print(f"exported {batch}")

    async def close(self) -> None:
        print("exporter closed")


async def main() -> None:
    exporter = Exporter()
    for record in ("login", "order", "logout"):
        await exporter.log(record)
    await exporter.close()


asyncio.run(main())
