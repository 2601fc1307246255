"""Providers kept in a dict on self; shutdown never closes them."""
import aiohttp


class Venue:
    def __init__(self, name: str) -> None:
        self.name = name
        self.http = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.http.close()


class Router:
    def __init__(self) -> None:
        self.venues: dict[str, Venue] = {}

    def add(self, name: str) -> None:
        self.venues[name] = Venue(name)  # error: TRD202

    async def shutdown(self) -> None:
        self.venues.clear()
