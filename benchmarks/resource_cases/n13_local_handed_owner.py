import aiohttp


class Holder:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def aclose(self) -> None:
        await self.session.close()


async def build() -> Holder:
    session = aiohttp.ClientSession()
    return Holder(session)


async def use() -> None:
    session = aiohttp.ClientSession()
    holder = Holder(session)
    try:
        await holder.session.get("/x")
    finally:
        await holder.aclose()
