import aiohttp


async def three() -> None:
    a, b, c = aiohttp.ClientSession(), aiohttp.ClientSession(), aiohttp.ClientSession()  # error: TRD201
    try:
        await a.get("x")
        await b.get("y")
        await c.get("z")
    finally:
        await a.close()
        await b.close()
