"""Session 79: a lazy client made beside another in a script, and an aiohttp response rebound
unread.

- In a script whose every error between the making of an exchange client and its close is caught
  (session 73's :mod:`~tradelint.models.resources.program_end`), making a second lazy client of a
  library from plain values opens nothing and fails for no reason the script meets: the first
  client is not reported for it (Arbitrage-'s ``check_zkp_funding.py``, apps72, labelled false).
  Twin: the second made from a call's value.
- An aiohttp ``ClientResponse`` gives its connection back once its whole body has come in, read
  or not (its ``_response_eof`` callback releases it): rebound to the next response while unread,
  the small answer of an API call (a retry after a 401) holds up nothing. The rule that reports
  a response replaced while open keeps to httpx's streamed responses, which nothing releases
  without a read or a close. Development application ha-superloop (heads70 half a, labelled
  false) and ha-digital-frames. The program at the end shows both sides on a pool of one
  connection: a small body's connection comes back, one whose body is still coming does not
  (the rule's limit, written down there).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.trees import findings, package_project, write

SCRIPT = '''\
import asyncio

import ccxt.pro as ccxtpro


def options() -> dict:
    return {"enableRateLimit": True}


async def check() -> None:
    bybit = ccxtpro.bybit()
    binance = ccxtpro.binanceusdm({SECOND})
    try:
        funding = await bybit.fetch_funding_rate("ZKP/USDT:USDT")
        by_rate = float(funding["fundingRate"])
    except Exception as e:
        print(f"Bybit error: {e}")
        by_rate = 0
    try:
        funding = await binance.fetch_funding_rate("ZKP/USDT:USDT")
        bn_rate = float(funding["fundingRate"])
    except Exception as e:
        print(f"Binance error: {e}")
        bn_rate = 0
    spread = (by_rate - bn_rate) * 100
    print(f"spread = {spread:.4f}%")
    await bybit.close()
    await binance.close()


asyncio.run(check())
'''


def _script(tmp_path: Path, second: str) -> list[str]:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'demo'\n")
    write(tmp_path / "scripts" / "check.py", SCRIPT.replace("{SECOND}", second))
    return findings(tmp_path, "TRD2")


def test_a_lazy_client_made_from_plain_values_fails_for_nothing(tmp_path: Path) -> None:
    assert _script(tmp_path, '{"enableRateLimit": True}') == []


def test_a_client_made_from_a_call_may_fail(tmp_path: Path) -> None:
    assert _script(tmp_path, "options()") == [
        "scripts/check.py:11:5 TRD201 `bybit` (`ccxtpro.bybit(...)`) is closed outside `finally`; open it with `async with`",
    ]


POLL = '''\
import aiohttp
import httpx


async def poll(session: aiohttp.ClientSession, url: str) -> dict:
    resp = await session.get(url)
    if resp.status == 401:
        await refresh()
        resp = await session.get(url)
    return await resp.json()


async def send(client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    response = await client.send(request, stream=True)
    if response.status_code == 401:
        response = await client.send(request, stream=True)
    return response


async def refresh() -> None:
    ...
'''


def test_an_aiohttp_response_rebound_unread_is_not_reported(tmp_path: Path) -> None:
    # The httpx response rebound while open is still reported: nothing releases it.
    root = package_project(tmp_path, {"poll.py": POLL})
    assert findings(root, "TRD2") == [
        "app/poll.py:14:5 TRD201 `response` (`client.send(...)`) is replaced by the next response before it is released; call its `aclose()` first",
    ]


def test_an_aiohttp_response_gives_its_connection_back_once_its_body_has_come() -> None:
    # A pool of one connection. A small body that has come in whole gives the connection back,
    # read or not (``ClientResponse._response_eof``): the first response, rebound unread, holds up
    # nothing. One whose body is still coming holds it (the rule's limit: it cannot tell the two
    # apart, and reads the small answer of an API call, a retry after a 401, as the common one).
    async def small(request: web.Request) -> web.Response:
        return web.json_response({"error": "unauthorized"}, status=401)

    ended = asyncio.Event()

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"partial")
        await ended.wait()  # the body ends only once the test is done
        return response

    async def main() -> tuple[int, bool]:
        app = web.Application()
        app.router.add_get("/small", small)
        app.router.add_get("/endless", endless)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
                resp = await session.get(f"http://127.0.0.1:{port}/small")
                await asyncio.sleep(0.1)
                resp = await asyncio.wait_for(session.get(f"http://127.0.0.1:{port}/small"), 5)
                status = resp.status
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
                resp = await session.get(f"http://127.0.0.1:{port}/endless")
                try:
                    resp = await asyncio.wait_for(session.get(f"http://127.0.0.1:{port}/small"), 0.5)
                    held = False
                except asyncio.TimeoutError:
                    held = True
            return status, held
        finally:
            ended.set()
            await runner.cleanup()

    assert asyncio.run(main()) == (401, True)
