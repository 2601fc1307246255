import asyncio

import aiohttp


class Api:
    """Keeps the session it is lent and never closes it: its owner does."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def usable(self) -> bool:
        return not self._session.closed


class Bot:
    async def setup(self) -> None:
        session = aiohttp.ClientSession()
        self.api = Api(session)


async def main() -> None:
    bot = Bot()
    await bot.setup()
    print("usable after setup:", bot.api.usable())


asyncio.run(main())
