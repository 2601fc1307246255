import asyncio


class Client:
    async def connect(self):
        self._ping_task = asyncio.create_task(self._ping())
        self._recv_task = asyncio.create_task(self._recv())

    async def _ping(self):
        await asyncio.sleep(1)

    async def _recv(self):
        await asyncio.sleep(1)

    def _cancel_tasks(self):
        for t in (self._ping_task, self._recv_task):
            t.cancel()

    async def close(self):
        self._cancel_tasks()
