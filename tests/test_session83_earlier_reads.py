"""Session 83: a read of a local before the statement that binds it is no use of what that
statement makes (issue 28, point 1).

``logannye/polybot`` ``550e3b70`` (round 28, half a): ``main()`` reads ``odds_client`` near its top
(``if "odds_client" in dir(): _snipe_odds = odds_client``) and binds ``odds_client = OddsClient(...)``
further down, in straight-line code; the early read was taken for a hand-off of the client to
``_snipe_odds``, and the client, never closed, was not reported. No loop of the function holds
both, so the read sees an earlier value of the name, never the new client
(``facts/earlier_reads.read_before_made``). Twins: a nested function defined before the binding
(it runs when it is called, after it), and a read in a loop around the binding (it sees the
previous turn's value).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SOURCE = """\
import aiohttp


async def report(urls):
    session = None
    previous = session
    session = aiohttp.ClientSession()
    for url in urls:
        async with session.get(url) as response:
            print(response.status)
    return previous
"""


def test_a_read_before_the_binding_is_no_hand_off(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SOURCE, "TRD2") == [
        "7:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`"]


def test_twin_a_nested_function_defined_before_the_binding_still_closes_it(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def report(urls):
    async def finish():
        await session.close()

    session = aiohttp.ClientSession()
    try:
        for url in urls:
            async with session.get(url) as response:
                print(response.status)
    finally:
        await finish()
"""
    # Its close still counts (a close in the nested function, outside the ``finally`` that calls
    # it, as before): not "never closed".
    assert source_findings(tmp_path, source, "TRD2") == [
        "8:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"]


def test_twin_a_read_in_a_loop_around_the_binding(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def report(batches):
    session = None
    kept = []
    for urls in batches:
        kept.append(session)
        session = aiohttp.ClientSession()
        for url in urls:
            async with session.get(url) as response:
                print(response.status)
    return kept
"""
    assert source_findings(tmp_path, source, "TRD2") == []
