import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs"))

import asyncpg  # noqa: E402


class PriceStore:
    async def start(self, dsn: str) -> None:
        self.conn = await asyncpg.connect(dsn)

    async def last_price(self) -> int:
        return await self.conn.fetchval("select price from ticks order by ts desc limit 1")

    async def stop(self) -> None:
        print("stopping")


async def main() -> None:
    store = PriceStore()
    await store.start("postgres://db/prices")
    print("price", await store.last_price())
    await store.stop()
    print("open connections:", len(asyncpg.OPEN))


asyncio.run(main())
