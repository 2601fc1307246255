import asyncio


class Relay:
    def __init__(self, loop):
        self.loop = loop

    async def handle(self, msg):
        await asyncio.sleep(0)

    def on_message(self, msg):
        self.loop.call_soon_threadsafe(self.loop.create_task, self.handle(msg))  # error: TRD301
