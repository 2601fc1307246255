import asyncio


class Monitor:
    def begin(self):
        self._watch = asyncio.create_task(self._run())

    async def _run(self):
        await asyncio.sleep(1)

    def halt(self):
        self._watch.cancel()


class Monitor2:
    def begin(self):
        self._watch = asyncio.create_task(self._run())

    async def _run(self):
        await asyncio.sleep(1)

    async def finish_up(self):
        self._watch.cancel()
        await asyncio.gather(self._watch, return_exceptions=True)
