"""A streamer whose teardown is called ``stop_streaming()``: no configured shutdown name. Its
session and its pump task must end there, where the messages say."""

import asyncio

import aiohttp


class Streamer:
    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._pump = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(0.01)

    async def stop_streaming(self) -> None:
        print("stopping")


async def main() -> None:
    streamer = Streamer()
    try:
        await streamer.start()
        await asyncio.sleep(0.05)
    finally:
        await streamer.stop_streaming()
    running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    print(f"running after stop: {len(running)}")


if __name__ == "__main__":
    asyncio.run(main())
