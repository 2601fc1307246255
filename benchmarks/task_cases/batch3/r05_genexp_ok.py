import asyncio


async def job(n):
    await asyncio.sleep(n)


async def main(xs):
    pending = (asyncio.create_task(job(x)) for x in xs)
    await asyncio.gather(*pending)
