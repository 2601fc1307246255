"""A cog's own session, never closed at unload."""
import aiohttp
from discord.ext import commands


class Weather(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.session = aiohttp.ClientSession()  # error: TRD202

    @commands.command()
    async def weather(self, ctx: commands.Context, city: str) -> None:
        async with self.session.get(f"https://wttr.in/{city}") as r:
            await ctx.send(await r.text())


class WeatherOk(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.session = aiohttp.ClientSession()

    async def cog_unload(self) -> None:
        await self.session.close()
