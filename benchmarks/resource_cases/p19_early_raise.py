"""A raise between creation and the try whose finally closes."""
import httpx


async def submit(order: dict) -> dict:
    client = httpx.AsyncClient()  # error: TRD201
    if not order.get("qty"):
        raise ValueError("empty order")
    try:
        return (await client.post("/orders", json=order)).json()
    finally:
        await client.aclose()
