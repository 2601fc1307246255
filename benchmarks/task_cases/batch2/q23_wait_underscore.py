import asyncio


async def race(a, b):
    done, _ = await asyncio.wait({asyncio.create_task(a()), asyncio.create_task(b())}, timeout=5)  # error: TRD304
    return done
