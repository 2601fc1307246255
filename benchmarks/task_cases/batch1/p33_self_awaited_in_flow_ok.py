import asyncio


class Job:
    async def _body(self):
        await asyncio.sleep(1)

    async def run(self):
        self._task = asyncio.create_task(self._body())
        await self._task

    async def close(self):
        print("closing")
