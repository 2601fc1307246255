"""A discord.py bot closing its session only in logout(), which run() never calls (>= 1.5)."""
import aiohttp
from discord.ext import commands


class MyBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!")
        self.http_session = aiohttp.ClientSession()  # error: TRD202

    async def logout(self) -> None:
        await self.http_session.close()
        await super().logout()


class MyBotOk(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!")
        self.http_session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.http_session.close()
        await super().close()
