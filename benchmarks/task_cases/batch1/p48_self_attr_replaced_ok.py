import asyncio


class Refresher:
    def __init__(self):
        self._task = None

    async def _refresh(self):
        await asyncio.sleep(1)

    def kick(self):
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.create_task(self._refresh())

    async def aclose(self):
        if self._task is not None:
            self._task.cancel()
