import asyncio
import threading


class Bridge:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop

    async def publish(self):
        await asyncio.sleep(0)

    def _schedule_publish(self):
        return asyncio.create_task(self.publish())

    def on_tick_from_thread(self):
        self.loop.call_soon_threadsafe(self._schedule_publish)  # error: TRD301


def run(bridge: Bridge):
    threading.Thread(target=bridge.on_tick_from_thread).start()
