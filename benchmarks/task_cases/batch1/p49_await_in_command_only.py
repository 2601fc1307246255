import asyncio
from discord.ext import commands


class Silence(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self._init_task = bot.loop.create_task(self._init_cog())  # error: TRD303

    async def _init_cog(self):
        await self.bot.wait_until_ready()

    @commands.command()
    async def silence(self, ctx):
        await self._init_task
        await ctx.send("silenced")

    def cog_unload(self):
        print("unloaded")
