"""An async context manager whose __aexit__ forgets the session."""
import aiohttp


class Api:
    async def __aenter__(self) -> "Api":
        self.session = aiohttp.ClientSession()  # error: TRD202
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass
