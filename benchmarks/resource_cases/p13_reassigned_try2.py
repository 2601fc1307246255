"""Reassigned inside try after a first use."""
import httpx


async def sync_books() -> None:
    client = httpx.AsyncClient()  # error: TRD201
    try:
        await client.get("https://a/books")
        client = httpx.AsyncClient(base_url="https://b")
        await client.get("/books")
    finally:
        await client.aclose()
