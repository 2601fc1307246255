import aiohttp
from some_sdk import SdkClient


class Service:
    def __init__(self) -> None:
        self.sdk = SdkClient(session=aiohttp.ClientSession())

    async def close(self) -> None:
        await self.sdk.close()


async def main() -> None:
    async with aiohttp.ClientSession() as s:
        sdk = SdkClient(session=s)
        await sdk.run()
