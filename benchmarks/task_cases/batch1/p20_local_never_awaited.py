import asyncio


async def fetch():
    await asyncio.sleep(0)


async def main():
    task = asyncio.create_task(fetch())  # error: TRD302
    task.add_done_callback(lambda t: print("done"))
    print("returning")
