"""stop() sets the session to None without closing it."""
import asyncio

import aiohttp


class Poller:
    async def start(self) -> None:
        self._session = aiohttp.ClientSession()  # error: TRD202
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            (await self._session.get("/x")).release()
            await asyncio.sleep(5)

    async def stop(self) -> None:
        self._task.cancel()
        self._session = None
