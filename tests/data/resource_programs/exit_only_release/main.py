import asyncio
import gc
from types import TracebackType

import aiohttp


class Api:
    """Its session ends only in ``__aexit__``, which takes the three exit arguments."""

    def __init__(self) -> None:
        self._session = aiohttp.ClientSession()

    async def __aenter__(self) -> "Api":
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._session.close()
        print("api closed")


class Service:
    def __init__(self) -> None:
        self.api = Api()

    async def close(self) -> None:
        print("service closing")


async def main() -> None:
    service = Service()
    await service.close()


asyncio.run(main())
gc.collect()
