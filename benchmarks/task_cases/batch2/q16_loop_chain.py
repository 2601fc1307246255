import asyncio


async def fetch():
    await asyncio.sleep(0)


def handle_result(t):
    print(t.result())


def go(loop: asyncio.AbstractEventLoop):
    loop.create_task(fetch()).add_done_callback(handle_result)  # error: TRD301
