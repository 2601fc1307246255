import asyncio


async def fetch(url):
    await asyncio.sleep(0)


async def fetch_all(urls):
    loop = asyncio.get_running_loop()
    [loop.create_task(fetch(u)) for u in urls]  # error: TRD301


async def fetch_all_set(urls):
    {asyncio.ensure_future(fetch(u)) for u in urls}  # error: TRD301
