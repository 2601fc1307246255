import asyncio


async def a():
    await asyncio.sleep(0)


async def b():
    await asyncio.sleep(0)


class Svc:
    def start(self, fast):
        self._t = asyncio.create_task(a()) if fast else None  # error: TRD303

    async def stop(self):
        print("stop")


def pick(fast):
    return asyncio.create_task(a()) if fast else asyncio.create_task(b())


async def chained(fast):
    (asyncio.create_task(a()) if fast else asyncio.create_task(b())).add_done_callback(print)  # error: TRD301
