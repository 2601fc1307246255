from discord.ext import commands
from pydis_core.utils import scheduling


class Reminders(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.scheduler = scheduling.Scheduler(self.__class__.__name__)

    async def remind_later(self, when, reminder_id, coro):
        self.scheduler.schedule_at(when, reminder_id, coro)

    async def cog_unload(self):
        self.scheduler.cancel_all()
