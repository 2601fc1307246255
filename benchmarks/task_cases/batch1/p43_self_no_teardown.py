import asyncio


class Poller:
    def __init__(self, interval):
        self.interval = interval

    def start(self):
        self._task = asyncio.get_event_loop().create_task(self._poll())  # error: TRD303

    async def _poll(self):
        while True:
            await asyncio.sleep(self.interval)
