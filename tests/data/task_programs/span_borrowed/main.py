"""A tracing span, short-lived, that hands its events to the tracer that made it: the export
tasks are the tracer's work, and the span's ``__aexit__`` must not cancel them."""

import asyncio
import gc
import weakref
from typing import Any


class Tracer:
    def __init__(self) -> None:
        self._acks: "weakref.WeakValueDictionary[int, asyncio.Future[str]]" = weakref.WeakValueDictionary()
        self._sent = 0

    async def export(self, event: str) -> None:
        ack: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._sent += 1
        self._acks[self._sent] = ack  # the collector's client holds it weakly
        print(f"exported {event}: {await ack}")

    def acknowledge(self) -> None:
        for key in sorted(self._acks):
            self._acks[key].set_result("ok")


class Span:
    def __init__(self, tracer: Tracer, name: str) -> None:
        self._tracer = tracer
        self.name = name

    async def __aenter__(self) -> "Span":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await asyncio.sleep(0)

    def event(self, what: str) -> None:
        asyncio.create_task(self._tracer.export(f"{self.name} {what}"))


async def main() -> None:
    tracer = Tracer()
    async with Span(tracer, "GET /orders") as span:
        span.event("start")
        await asyncio.sleep(0)
        span.event("end")
    await asyncio.sleep(0)
    gc.collect()  # what the collector may do at any time
    tracer.acknowledge()
    await asyncio.sleep(0.01)


asyncio.run(main())
