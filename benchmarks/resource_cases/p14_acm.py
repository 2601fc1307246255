"""An asynccontextmanager yielding a session without try/finally."""
from contextlib import asynccontextmanager as acm

import aiohttp


@acm
async def exchange_session(key: str):
    session = aiohttp.ClientSession(headers={"X-KEY": key})  # error: TRD201
    yield session
    await session.close()


@acm
async def exchange_session_ok(key: str):
    session = aiohttp.ClientSession(headers={"X-KEY": key})
    try:
        yield session
    finally:
        await session.close()
