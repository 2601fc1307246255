import asyncio
from discord.ext import commands


class A(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self._init = asyncio.create_task(self._setup())

    async def _setup(self):
        await asyncio.sleep(0)

    async def cog_load(self):
        await self._init


class B(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self._a = asyncio.create_task(asyncio.sleep(1))
        self._b = asyncio.create_task(asyncio.sleep(1))

    def cog_unload(self):
        for t in (self._a, self._b):
            t.cancel()


class C(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        # A Cog runs on discord.py >= 1.0, which never calls Red v2's ``__unload`` (issue 28).
        self._poller = bot.loop.create_task(self._poll())  # error: TRD303

    async def _poll(self):
        await asyncio.sleep(1)

    def __unload(self):
        self._poller.cancel()


class D(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self._sync = asyncio.create_task(asyncio.sleep(1))

    async def _shutdown(self):
        self._sync.cancel()

    def cog_unload(self):
        self.bot.loop.create_task(self._shutdown())  # error: TRD301
