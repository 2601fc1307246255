import asyncio


class Feed:
    def __init__(self, client):
        self.client = client
        self._tasks = set()

    async def on_trade(self, trade):
        print(trade)

    def _spawn(self, trade):
        task = asyncio.create_task(self.on_trade(trade))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def subscribe(self):
        self.client.on("trade", self._spawn)
        self.client.on("log", lambda t: print(t))

    async def close(self):
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
