import asyncio
from discord.ext import commands


class Reminders(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self._sync_task = bot.loop.create_task(self._sync())
        self._refresh_task = bot.loop.create_task(self._refresh())  # error: TRD303

    async def _sync(self):
        await asyncio.sleep(0)

    async def _refresh(self):
        await asyncio.sleep(60)

    def cog_unload(self):
        self._sync_task.cancel()
