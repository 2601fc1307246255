import asyncio


async def restart():
    await asyncio.sleep(0)


def watch(task: asyncio.Task):
    task.add_done_callback(lambda t: asyncio.ensure_future(restart()))  # error: TRD301
