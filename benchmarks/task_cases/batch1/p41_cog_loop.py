from discord.ext import commands, tasks


class Prices(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.refresh.start()  # error: TRD303

    @tasks.loop(minutes=5)
    async def refresh(self):
        print("refresh")
