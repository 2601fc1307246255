import asyncio


class Heartbeat:
    async def begin(self):
        self._hb = asyncio.create_task(self._beat())

    async def _beat(self):
        while True:
            await asyncio.sleep(5)

    async def halt_everything(self):
        self._hb.cancel()
        try:
            await self._hb
        except asyncio.CancelledError:
            pass
