import asyncio


class Feed:
    """Reads quotes from a TCP feed; the connection is its own."""

    async def connect(self, port: int) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)

    async def close(self) -> None:
        print("closing")


async def main() -> None:
    peer_closed = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await reader.read() == b"":
            peer_closed.set()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        feed = Feed()
        try:
            await feed.connect(port)
        finally:
            await feed.close()
        try:
            await asyncio.wait_for(peer_closed.wait(), 2)
        except asyncio.TimeoutError:
            pass
        print(f"connection closed by close(): {peer_closed.is_set()}")
    finally:
        server.close()


asyncio.run(main())
