"""Session 51 (precision): a close guarded by ``hasattr(conn, "close")`` follows the creation at
once: the test neither raises nor suspends, and is true of the resource whose release it names,
so nothing can skip the close (read on a Home Assistant integration's credential probe:
``connection = await client.async_connect()``, ``if hasattr(connection, "close"): await
asyncio.wait_for(connection.close(), timeout=3.0)``). Twins: a guard testing another attribute
(the close may not run), and an ``await`` between the creation and the close."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

PROBE = '''\
import asyncio

import aiohttp


async def probe(session: aiohttp.ClientSession) -> None:
    connection = await session.ws_connect("wss://gateway")
{between}    if hasattr(connection, "{attr}"):
        try:
            await asyncio.wait_for(connection.close(), timeout=3.0)
        except TimeoutError:
            pass
'''


def test_a_close_guarded_by_hasattr_of_its_release_follows_at_once(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE.format(between="", attr="close"), "TRD2") == []


def test_a_guard_testing_another_attribute_may_skip_the_close(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE.format(between="", attr="closed"), "TRD2") == [
        "7:5 TRD201 `connection` (`session.ws_connect(...)`) is closed outside `finally`; move `connection.close()` into a `finally`",
    ]


def test_an_await_before_the_guarded_close_may_skip_it(tmp_path: Path) -> None:
    source = PROBE.format(between='    await connection.send_str("ping")\n', attr="close")
    assert source_findings(tmp_path, source, "TRD2") == [
        "7:5 TRD201 `connection` (`session.ws_connect(...)`) is closed outside `finally`; move `connection.close()` into a `finally`",
    ]
