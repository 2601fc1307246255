"""Handed by keyword into a collaborator, inline."""
import aiohttp


class Gateway:
    def __init__(self, *, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def ping(self) -> int:
        async with self.session.get("/ping") as r:
            return r.status


async def check() -> int:
    gw = Gateway(session=aiohttp.ClientSession())  # error: TRD201
    return await gw.ping()
