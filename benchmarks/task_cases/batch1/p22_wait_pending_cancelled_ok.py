import asyncio


async def first_quote(sources):
    tasks = [asyncio.create_task(s()) for s in sources]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
