import asyncio


class Strategy:
    def __init__(self, bus):
        self.bus = bus

    async def rebalance(self):
        await asyncio.sleep(0)

    def on_fill(self, fill):
        return asyncio.ensure_future(self.rebalance())

    def wire(self):
        self.bus.on("fill", self.on_fill)  # error: TRD301
