"""Two sessions on self; close() closes only one."""
import aiohttp


class Exchange:
    def __init__(self) -> None:
        self.public = aiohttp.ClientSession()
        self.private = aiohttp.ClientSession(headers={"KEY": "k"})  # error: TRD202

    async def close(self) -> None:
        await self.public.close()
