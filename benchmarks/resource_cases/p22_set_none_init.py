"""A session made in __init__, dropped by reset(), closed only by close()."""
import aiohttp


class Client:
    def __init__(self) -> None:
        self.http = aiohttp.ClientSession()  # error: TRD202

    def reset(self) -> None:
        self.http = None

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
