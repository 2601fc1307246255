import asyncio
from discord.ext import commands


class Typing(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.typing_tasks = {}

    @commands.Cog.listener()
    async def on_typing(self, channel, user, when):
        self.typing_tasks[user.id] = asyncio.create_task(self._expire(user))  # error: TRD303

    @commands.Cog.listener()
    async def on_message(self, message):
        task = self.typing_tasks.pop(message.author.id, None)
        if task:
            task.cancel()

    async def _expire(self, user):
        await asyncio.sleep(10)
