"""Two sessions unpacked; one enters async with, the other is forgotten."""
from aiohttp import ClientSession


async def mirror(url: str) -> None:
    src, dst = ClientSession(), ClientSession()  # error: TRD201
    async with src:
        async with src.get(url) as r:
            body = await r.read()
        await dst.post(url, data=body)
