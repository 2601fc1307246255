"""An asynccontextmanager method yielding a session without try/finally."""
from contextlib import asynccontextmanager

import aiohttp


class Exchange:
    @asynccontextmanager
    async def session(self):
        s = aiohttp.ClientSession(headers={"k": "v"})  # error: TRD201
        yield s
        await s.close()
