import asyncio


class OrderTracker:
    def __init__(self):
        self._watchers = {}

    async def _watch(self, order_id):
        await asyncio.sleep(1)

    def track(self, order_id):
        self._watchers[order_id] = asyncio.create_task(self._watch(order_id))  # error: TRD303

    async def close(self):
        self._watchers.clear()
