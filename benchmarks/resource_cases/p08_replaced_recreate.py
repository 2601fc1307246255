"""recreate(force=True) makes a new session over an open one (python-discord's APIClient)."""
import aiohttp


class ApiClient:
    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None
        self.recreate()

    def _create_session(self) -> None:
        self.session = aiohttp.ClientSession()  # error: TRD202

    def recreate(self, force: bool = False) -> None:
        if force or self.session is None or self.session.closed:
            self._create_session()

    async def close(self) -> None:
        if self.session:
            await self.session.close()


class ApiClientOk:
    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None
        self.recreate()

    def _create_session(self) -> None:
        self.session = aiohttp.ClientSession()

    def recreate(self) -> None:
        if self.session is None or self.session.closed:
            self._create_session()

    async def close(self) -> None:
        if self.session:
            await self.session.close()
