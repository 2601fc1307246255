import asyncio

import aiohttp
import discord
from discord.ext import commands


class Bot(commands.Bot):
    async def setup_hook(self) -> None:
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await super().close()
        await self.session.close()


class Client(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default())
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.session.close()
        await super().close()


class Cog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.session = aiohttp.ClientSession()

    def cog_unload(self) -> None:
        asyncio.create_task(self.session.close())
