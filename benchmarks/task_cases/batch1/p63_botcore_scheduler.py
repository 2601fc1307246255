from botcore.utils import scheduling
from discord.ext import commands


class Stream(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.scheduler = scheduling.Scheduler(self.__class__.__name__)  # error: TRD303

    async def cog_unload(self):
        print("bye")
