"""A cog that starts its price poller when the bot is ready. discord sends ``on_ready`` again
after a reconnect whose RESUME fails: the old poller must not go on beside the new one."""

import asyncio

from discord.ext import commands


class Poller(commands.Cog):
    def __init__(self) -> None:
        self.task: "asyncio.Task[None] | None" = None

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.task = asyncio.create_task(self.poll())

    async def poll(self) -> None:
        while True:
            await asyncio.sleep(0.01)

    def cog_unload(self) -> None:
        if self.task is not None:
            self.task.cancel()


def pollers() -> int:
    return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()])


async def main() -> None:
    cog = Poller()
    await cog.on_ready()
    await asyncio.sleep(0.02)
    await cog.on_ready()  # the reconnect
    await asyncio.sleep(0.02)
    print(f"pollers after the reconnect: {pollers()}")
    cog.cog_unload()
    await asyncio.sleep(0.02)
    print(f"pollers after unload: {pollers()}")
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task():
            task.cancel()


asyncio.run(main())
