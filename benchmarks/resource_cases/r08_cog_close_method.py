"""A cog closing its session only in a command, and making a new one there; nothing at unload (each acquisition leaks)."""
import aiohttp
from discord.ext import commands


class Api(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.session = aiohttp.ClientSession()  # error: TRD202

    @commands.command()
    async def reset(self, ctx: commands.Context) -> None:
        await self.session.close()
        self.session = aiohttp.ClientSession()  # error: TRD202
