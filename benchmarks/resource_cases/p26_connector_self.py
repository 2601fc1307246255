"""A shared connector kept on self, never closed."""
import aiohttp


class Pool:
    def __init__(self) -> None:
        self.connector = aiohttp.TCPConnector(limit=100)  # error: TRD202

    def session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(connector=self.connector, connector_owner=False)

    async def close(self) -> None:
        pass
