import asyncio


async def restart():
    await asyncio.sleep(0)


def supervise(task: asyncio.Task):
    def _on_done(t):
        asyncio.create_task(restart())  # error: TRD301

    task.add_done_callback(_on_done)
