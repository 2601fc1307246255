"""Session 34 (issue 28): shapes round 15's holdout half showed, opened once it was scored.

HTTP responses hold a pooled connection until read or released.

Round 15's holdout half, opened for development once scored, had three sites of one shape that
nothing in tradelint could see: chaiNNer-org/chaiNNer ``5b4fe115`` (a readiness probe's
``await self._session.get(...)`` discarded unread, every probe holding a connection until the
pool ran dry) and pinecone-io/pinecone-python-client ``28d3d684`` (a retrying httpx transport
rebinding ``response`` to the next attempt without closing the last). A response is judged only
where its connection can no longer be given back: discarded, bound and never read, released nor
handed on, or rebound while open. The receiver must be proven a session (a parameter's
annotation, a local's constructor, every store of ``self.<attr>``): ``cache.get(key)`` of
anything else is no request.

Ownership is not handed on by a method that copies a client out of ``self.<attr>`` on one
branch and stores it back on the other, nor by an awaited callee that only wraps it in a local
object whose class never releases it (eigger/hass-omron ``434fe64d``'s cached BLE client). A
raced task whose ``finally`` only looks at it, or calls ``close()`` that tasks do not have, is
not ended there (NabuCasa/snitun ``a44ee992``).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "worker.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


PROBE = """\
import aiohttp


class Worker:
    def __init__(self, url):
        self._session = aiohttp.ClientSession(base_url=url)

    async def close(self):
        await self._session.close()

    async def wait_for_ready(self):
        {probe}
"""


def test_discarded_response_is_reported(tmp_path: Path) -> None:
    found = _check(tmp_path, PROBE.replace("{probe}", 'await self._session.get("/nodes", timeout=5)'))
    assert found == [
        "12:15 TRD201 the response of `self...get(...)` is discarded unread; enter it with `async with`,"
        " or keep it and call its `release()`"
    ]


def test_entered_response_is_not(tmp_path: Path) -> None:
    probe = 'async with self._session.get("/nodes", timeout=5):\n            pass'
    assert _check(tmp_path, PROBE.replace("{probe}", probe)) == []


def test_lookup_on_an_unproven_receiver_is_no_request(tmp_path: Path) -> None:
    source = "async def lookup(cache, key):\n    await cache.get(key)\n"
    assert _check(tmp_path, source) == []


UNREAD = """\
import aiohttp


async def status(session: aiohttp.ClientSession, url):
    resp = await session.get(url)
    {use}
"""


def test_response_never_read_nor_released(tmp_path: Path) -> None:
    assert _check(tmp_path, UNREAD.replace("{use}", "return resp.status")) == [
        "5:5 TRD201 `resp` (`session.get(...)`) is never read nor released; call `resp.release()` in a `finally`"
    ]


def test_response_read_or_handed_on_is_not(tmp_path: Path) -> None:
    assert _check(tmp_path, UNREAD.replace("{use}", "return await resp.json()")) == []
    assert _check(tmp_path, UNREAD.replace("{use}", "return resp")) == []
    assert _check(tmp_path, UNREAD.replace("{use}", "async for chunk in resp.content.iter_chunked(1024):\n        print(chunk)")) == []


RETRY = """\
import asyncio

import httpx


class RetryTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, transport: httpx.AsyncHTTPTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request):
        response = await self._transport.handle_async_request(request)
        for attempt in range(4):
            if response.status_code not in (429, 503):
                return response
            {release}await asyncio.sleep(0.1 * 2 ** attempt)
            response = await self._transport.handle_async_request(request)
        return response
"""


def test_response_replaced_by_a_retry(tmp_path: Path) -> None:
    message = (
        "TRD201 `response` (`self...handle_async_request(...)`) is replaced by the next response before it is released;"
        " call its `aclose()` first"
    )
    assert _check(tmp_path, RETRY.replace("{release}", "")) == [f"11:9 {message}", f"16:13 {message}"]


def test_response_closed_before_the_retry_is_not(tmp_path: Path) -> None:
    assert _check(tmp_path, RETRY.replace("{release}", "await response.aclose()\n            ")) == []


POLL = """\
import asyncio

import aiohttp


async def poll(session: aiohttp.ClientSession, url):
    while True:
        resp = await session.get(url)
        if resp.status == 200:
            return await resp.json()
        {release}await asyncio.sleep(1)


async def once(url):
    async with aiohttp.ClientSession() as session:
        await session.post(url)
"""


def test_polled_aiohttp_response_rebound_is_not(tmp_path: Path) -> None:
    # Session 79: an aiohttp response gives its connection back once its body has come in, read
    # or not; the small answer a poll replaces holds up nothing (run in
    # tests/test_session79_script_and_responses.py). An httpx one still is reported
    # (``test_response_replaced_by_a_retry``).
    assert _check(tmp_path, POLL.replace("{release}", "")) == []


def test_polled_response_released_is_not(tmp_path: Path) -> None:
    # (``once``: closing the session its block entered releases what it left)
    assert _check(tmp_path, POLL.replace("{release}", "resp.release()\n        ")) == []


STREAMED = """\
import httpx


async def fetch(client: httpx.AsyncClient, request, stream: bool):
    response = await client.send(request, stream={stream})
    return response.status_code
"""


def test_streamed_httpx_response_never_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, STREAMED.replace("{stream}", "stream")) == [
        "5:5 TRD201 `response` (`client.send(...)`) is never read nor released; call `await response.aclose()` in a `finally`"
    ]


def test_httpx_response_read_whole_is_not(tmp_path: Path) -> None:
    # Not streamed, httpx reads the body and closes the response before ``send`` returns.
    assert _check(tmp_path, STREAMED.replace("{stream}", "False")) == []


def test_response_read_on_the_spot_is_not(tmp_path: Path) -> None:
    assert _check(tmp_path, PROBE.replace("{probe}", 'return await (await self._session.get("/nodes")).json()')) == []
    assert _check(tmp_path, PROBE.replace("{probe}", '(await self._session.get("/nodes")).release()')) == []
    assert _check(tmp_path, PROBE.replace("{probe}", 'return (await self._session.get("/nodes")).status')) == [
        "12:23 TRD201 the response of `self...get(...)` is discarded unread; enter it with `async with`, or keep it and call its `release()`"
    ]


# --- ownership: a client copied out of its attribute and stored back; a wrapper local to a callee --

FLOW = """\
from bleak import BleakClient
from bleak_retry_connector import establish_connection


class Transport:
    def __init__(self, client, config):
        self._client = client
        self._config = config

    async def pair(self):
        await self._client.write_gatt_char(self._config, b"\\x01")
{transport_release}

async def pair_device(client, config):
    if not client.is_connected:
        raise ConnectionError(config)
    transport = Transport(client, config)
    await transport.pair()


class PairingFlow:
    def __init__(self):
        self._cached_client = None

    async def async_step_pair(self, device, config):
        if self._cached_client and self._cached_client.is_connected:
            client = self._cached_client
        else:
            client = await establish_connection(BleakClient, device, device.address)
            self._cached_client = client
        await pair_device(client, config)
{flow_release}"""

_DISCONNECT = "\n    async def close(self):\n        await self._client.disconnect()\n"


def _flow(transport_release: str = "", flow_release: str = "") -> str:
    return FLOW.replace("{transport_release}", transport_release).replace("{flow_release}", flow_release)


def test_client_stored_back_and_lent_to_a_wrapper_stays_the_flows(tmp_path: Path) -> None:
    # eigger/hass-omron ``434fe64d``: the config flow's cached BLE client, never disconnected.
    assert _check(tmp_path, _flow()) == [
        "29:13 TRD202 `self._cached_client` is never closed; add a `close()` method that calls its `disconnect()`"
    ]


def test_flow_that_disconnects_its_client_is_not(tmp_path: Path) -> None:
    release = "\n    async def async_remove(self):\n        await self._cached_client.disconnect()\n"
    assert _check(tmp_path, _flow(flow_release=release)) == []


def test_wrapper_that_releases_what_it_keeps_may_own_it(tmp_path: Path) -> None:
    assert _check(tmp_path, _flow(transport_release=_DISCONNECT)) == []


# --- a raced task whose finally only looks at it ---------------------------------------------------

PROXY = """\
import asyncio


class Proxy:
    async def run(self, reader, channel, transport):
        from_proxy = None
        from_peer = None
        try:
            while not transport.is_closing():
                if not from_proxy:
                    from_proxy = asyncio.create_task(reader.read(4096))
                if not from_peer:
                    from_peer = asyncio.create_task(channel.read())
                await asyncio.wait([from_proxy, from_peer], return_when=asyncio.FIRST_COMPLETED)
                if from_proxy.done():
                    await channel.write(from_proxy.result())
                    from_proxy = None
                if from_peer.done():
                    transport.write(from_peer.result())
                    from_peer = None
        finally:
            if from_peer and not from_peer.done():
                from_peer.{end}()
            if from_proxy and not from_proxy.done():
                from_proxy.{end}()
"""


def test_raced_tasks_closed_with_a_method_tasks_lack(tmp_path: Path) -> None:
    found = [f for f in _check_select(tmp_path, PROXY.replace("{end}", "close"), "TRD3")]
    assert found == [
        "11:21 TRD304 task `from_proxy` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
        "13:21 TRD304 task `from_peer` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
    ]


def test_raced_tasks_cancelled_in_finally_are_not(tmp_path: Path) -> None:
    assert _check_select(tmp_path, PROXY.replace("{end}", "cancel"), "TRD3") == []


def _check_select(tmp_path: Path, source: str, select: str) -> list[str]:
    path = tmp_path / "proxy.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=[select])]


WAITER = """\
import asyncio


async def refresh(assignment, needed):
    event_waiter = None
    try:
        while assignment.active:
            event_waiter = asyncio.create_task(needed.wait())
            await asyncio.wait([assignment.unassign_future, event_waiter], return_when=asyncio.FIRST_COMPLETED)
            if not event_waiter.done():
                event_waiter.cancel()
                event_waiter = None
    except asyncio.CancelledError:
        {handler}
    if event_waiter is not None and not event_waiter.done():
        event_waiter.cancel()
"""


def test_cancellation_swallowed_then_the_task_cancelled_after_the_try(tmp_path: Path) -> None:
    # aiokafka's commit refresh routine: the handler goes on to the cancel after the ``try``.
    assert _check_select(tmp_path, WAITER.replace("{handler}", "pass"), "TRD3") == []


def test_cancellation_handler_that_returns_skips_the_cancel_after(tmp_path: Path) -> None:
    assert _check_select(tmp_path, WAITER.replace("{handler}", "return"), "TRD3") == [
        "8:13 TRD304 task `event_waiter` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`"
    ]


# --- closed at the end of life only on one outcome of an earlier step (round 16, half a) ------------

BOT = """\
import os

from nio import AsyncClient, LogoutResponse


class Bot:
    def __init__(self):
        self.client = None
        self.owns_client = True

    def init(self):
        server = os.getenv("MATRIX_SERVER")
        self.client = AsyncClient(server, os.getenv("MATRIX_USER"))

    async def run(self):
        await self.client.sync_forever(timeout=30000)

    async def shutdown(self):
        try:
            logout = await self.client.logout()
        except OSError:
            logout = None
        {close}
"""


def test_closed_only_when_the_logout_succeeded(tmp_path: Path) -> None:
    # vranki/hemppa ``0738e78e``: a failed logout (or login) left the client's session open at exit.
    close = "if isinstance(logout, LogoutResponse):\n            await self.client.close()"
    assert _check(tmp_path, BOT.replace("{close}", close)) == [
        "13:9 TRD202 `self.client` is closed in `shutdown()` only on one outcome of an earlier step; close it on every path"
    ]


def test_closed_whatever_the_outcome_is_not(tmp_path: Path) -> None:
    close = "if isinstance(logout, LogoutResponse):\n            print('bye')\n        await self.client.close()"
    assert _check(tmp_path, BOT.replace("{close}", close)) == []


def test_a_guard_on_the_client_or_an_ownership_flag_is_not_an_outcome(tmp_path: Path) -> None:
    for guard in ("self.client is not None", "self.owns_client"):
        close = f"if {guard}:\n            await self.client.close()"
        assert _check(tmp_path, BOT.replace("{close}", close)) == [], guard


def test_responses_kept_by_the_loop_are_not_replaced(tmp_path: Path) -> None:
    source = (
        "import aiohttp\n\n\nasync def fetch_all(session: aiohttp.ClientSession, urls):\n    found = []\n"
        "    for url in urls:\n        resp = await session.get(url)\n        found.append(resp)\n    return found\n"
    )
    assert _check(tmp_path, source) == []
