"""A session handed to a collaborator through a setter; the collaborator never closes it."""
import aiohttp


class Notifier:
    def __init__(self) -> None:
        self.http = None

    def use(self, http: aiohttp.ClientSession) -> None:
        self.http = http


async def run() -> None:
    n = Notifier()
    s = aiohttp.ClientSession()  # error: TRD201
    n.use(s)
    await n.http.post("/x")
