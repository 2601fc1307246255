"""A cog closing its session only in a command; nothing at unload."""
import aiohttp
from discord.ext import commands


class Api(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.session = aiohttp.ClientSession()  # error: TRD202

    @commands.command()
    async def reset(self, ctx: commands.Context) -> None:
        await self.session.close()
        self.session = aiohttp.ClientSession()
