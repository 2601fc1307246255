import asyncio

spawn = asyncio.ensure_future
