"""A client rebuilt with new headers after login, the old one dropped."""
import httpx


class Exchange:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url="https://x")

    async def login(self, token: str) -> None:
        self.client = httpx.AsyncClient(base_url="https://x", headers={"Authorization": token})  # error: TRD202

    async def aclose(self) -> None:
        await self.client.aclose()
