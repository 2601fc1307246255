from discord.ext import commands, tasks


class Status(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    async def cog_load(self):
        self.rotate.start()

    @tasks.loop(minutes=1)
    async def rotate(self):
        print("rotate")

    async def cog_unload(self):
        self.rotate.cancel()
