import aiohttp
import httpx


def make_session(token: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(headers={"Authorization": token})


async def make_client(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base)
    client.headers["User-Agent"] = "bot"
    return client


class Factory:
    def build(self) -> aiohttp.ClientSession:
        session = aiohttp.ClientSession()
        return session
