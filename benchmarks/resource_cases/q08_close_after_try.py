"""The close follows a try/except, not a finally: a cancellation skips it."""
import logging

import aiohttp


async def post(url: str, payload: dict) -> None:
    session = aiohttp.ClientSession()  # error: TRD201
    try:
        (await session.post(url, json=payload)).release()
    except aiohttp.ClientError:
        logging.exception("post failed")
    await session.close()
