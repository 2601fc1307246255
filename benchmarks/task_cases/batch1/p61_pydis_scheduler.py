from discord.ext import commands
from pydis_core.utils.scheduling import Scheduler


class Reminders(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.scheduler = Scheduler(self.__class__.__name__)  # error: TRD303

    async def remind_later(self, when, reminder_id, coro):
        self.scheduler.schedule_at(when, reminder_id, coro)
