"""Session 68: a close on one branch is no "probe" close (issue 28, point 5: a resource closed
only on one path of several is still leaked on the others).

A resource closed right after it is made, with nothing between that can raise, leave or suspend
(``_, writer = await open_connection(h, p); writer.close()``), is a probe that only connects, and
is not reported. Before, a close under an ``if`` counted as such a probe when only the test came
between: ``if not url: await session.close(); return`` made the function clean, and the way on,
which uses the session and never closes it, was not reported.

Principle (control flow): the probe's close must run on every way from the creation; one under a
branch (``if``, a loop, ``match``) that the creation is not in runs on some ways only, unless the
branch tests the resource itself (``if process: process.close()``: the other way has nothing to
close; msei99/pbgui's SSH probe, read in the development pool). Twins: the close right after the
creation (the probe), the close under a branch that holds the creation too, and one under a test
of the resource, are not reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

EARLY = '''\
import aiohttp


async def fetch(url):
    session = aiohttp.ClientSession()
    if not url:
        await session.close()
        return None
    response = await session.get(url)
    return response.status
'''

PROBE = '''\
import asyncio


async def reachable(host, port):
    _, writer = await asyncio.open_connection(host, port)
    writer.close()
    return True
'''

PROBE_IN_A_BRANCH = '''\
import asyncio


async def reachable(host, port, check):
    if check:
        _, writer = await asyncio.open_connection(host, port)
        writer.close()
    return True
'''


def test_a_close_on_an_early_return_alone(tmp_path: Path) -> None:
    assert source_findings(tmp_path, EARLY, "TRD201") == [
        "5:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"
    ]


def test_twin_a_probe_closed_at_once(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE, "TRD201") == []


def test_twin_a_probe_closed_at_once_inside_its_own_branch(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE_IN_A_BRANCH, "TRD201") == []


PROBE_TESTED = '''\
import asyncio


async def reachable(host, port):
    _, writer = await asyncio.open_connection(host, port)
    if writer is not None:
        writer.close()
    return True
'''


def test_twin_a_probe_closed_under_a_test_of_itself(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE_TESTED, "TRD201") == []
