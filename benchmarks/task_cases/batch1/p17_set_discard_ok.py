import asyncio

background_tasks = set()


async def work(n):
    await asyncio.sleep(n)


def spawn(n):
    task = asyncio.create_task(work(n))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
