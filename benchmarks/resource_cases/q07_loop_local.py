"""A session per URL in a loop, never closed."""
import aiohttp


async def crawl(urls: list[str]) -> list[int]:
    out = []
    for url in urls:
        s = aiohttp.ClientSession()  # error: TRD201
        r = await s.get(url)
        out.append(r.status)
        r.release()
    return out
