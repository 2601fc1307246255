"""The token refresh makes a new client over the old one."""
import httpx


class Broker:
    async def start(self) -> None:
        self.http = httpx.AsyncClient()

    async def refresh_token(self, token: str) -> None:
        self.http = httpx.AsyncClient(headers={"Authorization": token})  # error: TRD202

    async def stop(self) -> None:
        await self.http.aclose()
