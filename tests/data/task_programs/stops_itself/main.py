"""Feeds whose task may end the feed itself: ``_run`` calls ``stop()`` when its stream ends."""

import asyncio
import gc


class Feed:
    def __init__(self, name: str, ends: bool) -> None:
        self.name = name
        self.ends = ends

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        if self.ends:
            await asyncio.sleep(0.01)
            print(f"{self.name}: stream ended")
            await self.stop()
            return
        await asyncio.sleep(3600)

    async def stop(self) -> None:
        await asyncio.sleep(0)
        print(f"{self.name}: closed")


async def main() -> None:
    ending, running = Feed("a", ends=True), Feed("b", ends=False)
    await ending.start()
    await running.start()
    await asyncio.sleep(0.05)
    await running.stop()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    print(f"pending after stop: {len(others)}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
gc.collect()
