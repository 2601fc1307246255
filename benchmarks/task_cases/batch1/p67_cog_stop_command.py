import asyncio
from discord.ext import commands


class Voice(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.timeouts = {}

    def start_timeout(self, guild_id):
        task = asyncio.create_task(asyncio.sleep(600))  # error: TRD303
        self.timeouts[guild_id] = task

    @commands.command()
    async def stop(self, ctx):
        ctx.voice_client.stop()

    @commands.command()
    async def say(self, ctx):
        task = self.timeouts.get(ctx.guild.id)
        if task is not None:
            task.cancel()
