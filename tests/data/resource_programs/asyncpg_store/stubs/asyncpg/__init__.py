"""A stand-in for asyncpg: ``connect()`` gives a connection that counts itself open until its
awaited ``close()`` (the real one holds a socket to the server)."""

OPEN: list["Connection"] = []


class Connection:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        OPEN.append(self)

    async def fetchval(self, query: str) -> int:
        return 1

    async def close(self) -> None:
        OPEN.remove(self)


async def connect(dsn: str) -> Connection:
    return Connection(dsn)
