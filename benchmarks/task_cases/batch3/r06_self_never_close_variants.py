import asyncio


class Ws:
    async def connect(self):
        self._heartbeat_task = asyncio.ensure_future(self._heartbeat())  # error: TRD303
        self._reader_task = asyncio.get_running_loop().create_task(self._read())

    async def _heartbeat(self):
        await asyncio.sleep(1)

    async def _read(self):
        await asyncio.sleep(1)

    async def disconnect(self):
        self._reader_task.cancel()
