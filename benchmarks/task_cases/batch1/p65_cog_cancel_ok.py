import asyncio
from discord.ext import commands


class Daemon(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.daemon = None

    async def _run(self):
        await asyncio.sleep(60)

    @commands.command()
    async def start_daemon(self, ctx):
        self.daemon = asyncio.create_task(self._run())

    @commands.command()
    async def stop_daemon(self, ctx):
        self.daemon.cancel()

    async def cog_unload(self):
        if self.daemon:
            self.daemon.cancel()
