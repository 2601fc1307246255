"""An async generator paginating inside async with httpx.AsyncClient()."""
import httpx


class Pager:
    async def pages(self, url: str):
        async with httpx.AsyncClient() as client:  # error: TRD204
            while url:
                r = await client.get(url)
                yield r.json()
                url = r.headers.get("next")
