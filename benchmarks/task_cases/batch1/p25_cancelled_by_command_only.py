import asyncio
from discord.ext import commands


class Ticker(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.ticker = None

    async def _tick(self):
        while True:
            await asyncio.sleep(60)

    @commands.command()
    async def start_ticker(self, ctx):
        self.ticker = asyncio.create_task(self._tick())  # error: TRD303

    @commands.command()
    async def stop_ticker(self, ctx):
        if self.ticker:
            self.ticker.cancel()

    def cog_unload(self):
        print("bye")
