import asyncio


class Uploader:
    def start(self):
        self._task = asyncio.create_task(self._upload())

    async def _upload(self):
        await asyncio.sleep(1)

    async def close(self):
        await asyncio.wait_for(self._task, timeout=5)
