import asyncio


class Notifier:
    def __init__(self):
        self._background = set()

    async def _send(self, text):
        await asyncio.sleep(0)

    def notify(self, text):
        task = asyncio.create_task(self._send(text))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
