import asyncio


async def handle(*args):
    await asyncio.sleep(0)


class Client:
    def __init__(self, ws, bus):
        self.ws = ws
        self.bus = bus
        self.loop = asyncio.get_event_loop()

    def wire(self):
        self.ws.on("message", callback=lambda m: self.loop.create_task(handle(m)))  # error: TRD301
        self.bus.event_emitter.once("ready", lambda: asyncio.ensure_future(handle()))  # error: TRD301
        self.bus.add_listener(lambda e: asyncio.create_task(handle(e)))  # error: TRD301
        self.bus.on("log", lambda e: print(e))
