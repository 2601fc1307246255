import asyncio


class Feed:
    def __init__(self, client, loop: asyncio.AbstractEventLoop):
        self.client = client
        self.loop = loop

    async def on_trade(self, trade):
        print(trade)

    def subscribe(self):
        self.client.on("trade", lambda t: self.loop.create_task(self.on_trade(t)))  # error: TRD301
        self.client.add_listener("book", lambda b: asyncio.ensure_future(self.on_trade(b)))  # error: TRD301
