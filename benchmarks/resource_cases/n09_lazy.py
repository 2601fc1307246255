import aiohttp


class Api:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def get(self, url: str) -> bytes:
        async with self._get_session().get(url) as r:
            return await r.read()

    async def post(self, url: str) -> bytes:
        async with self._get_session().post(url) as r:
            return await r.read()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class Api2:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def _ensure(self) -> None:
        self._session = aiohttp.ClientSession()

    async def get(self, url: str) -> bytes:
        if self._session is None:
            await self._ensure()
        assert self._session is not None
        async with self._session.get(url) as r:
            return await r.read()

    async def post(self, url: str) -> bytes:
        if not self._session or self._session.closed:
            await self._ensure()
        assert self._session is not None
        async with self._session.post(url) as r:
            return await r.read()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
