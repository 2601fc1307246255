import asyncio


class Streams:
    def __init__(self, names):
        self.names = names

    async def _stream(self, name):
        await asyncio.sleep(1)

    def start(self):
        self._streams = {n: asyncio.create_task(self._stream(n)) for n in self.names}  # error: TRD303

    async def stop(self):
        print("stopping")
