import asyncio


async def first_quote(sources):
    tasks = [asyncio.create_task(s()) for s in sources]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)  # error: TRD304
    return done.pop().result()
