import asyncio
from discord.ext import commands


class Relay(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self._pending = set()

    @commands.Cog.listener()
    async def on_message(self, message):
        task = asyncio.create_task(self._relay(message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _relay(self, message):
        await asyncio.sleep(0)

    async def cog_unload(self):
        for task in self._pending:
            task.cancel()
