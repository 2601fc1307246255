"""A session handed to an object that never closes it."""
import aiohttp


class OrderClient:
    def __init__(self, http: aiohttp.ClientSession, key: str) -> None:
        self._http = http
        self._key = key

    async def place(self, order: dict) -> dict:
        async with self._http.post("/order", json=order) as r:
            return await r.json()


async def place_one(order: dict) -> dict:
    http = aiohttp.ClientSession()  # error: TRD201
    client = OrderClient(http, "k")
    return await client.place(order)


async def place_borrowed(order: dict) -> dict:
    async with aiohttp.ClientSession() as http:
        client = OrderClient(http, "k")
        return await client.place(order)
