"""Two clients unpacked, only one closed."""
import httpx


async def compare(url: str) -> bool:
    fast, slow = httpx.AsyncClient(http2=True), httpx.AsyncClient()  # error: TRD201
    try:
        a = await fast.get(url)
        b = await slow.get(url)
        return a.text == b.text
    finally:
        await fast.aclose()


async def compare_ok(url: str) -> bool:
    fast, slow = httpx.AsyncClient(http2=True), httpx.AsyncClient()
    try:
        a = await fast.get(url)
        b = await slow.get(url)
        return a.text == b.text
    finally:
        await fast.aclose()
        await slow.aclose()
