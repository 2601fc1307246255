"""Session 53 (owners that end their elements through ``asyncio.gather``): a class that keeps
resources as the elements of a collection of its own is a resource when its teardown ends each of
them (session 52); ``await asyncio.gather(*(c.close() for c in self._clients))`` ends each as a
loop of awaits does. Twins: the owner ended in a ``finally``; a gather that is not awaited (the
closes may never run); a gather of something other than a release (the elements are not ended,
so the class is no owner of them).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

POOL = '''\
import asyncio

import aiohttp


class Pool:
    def __init__(self, hosts: list[str]) -> None:
        self._sessions: dict[str, aiohttp.ClientSession] = {{}}
        for host in hosts:
            session = aiohttp.ClientSession(host)
            self._sessions[host] = session

    async def shutdown(self) -> None:
        {end}


async def run(hosts: list[str]) -> int:
    pool = Pool(hosts)
{use}
'''

GENERATOR = "await asyncio.gather(*(s.close() for s in self._sessions.values()))"
LISTED = "await asyncio.gather(*[s.close() for s in self._sessions.values()])"
LEAKED = "    return len(hosts)"
ENDED = '''\
    try:
        return len(hosts)
    finally:
        await pool.shutdown()'''

FINDING = "18:5 TRD201 `pool` (`Pool(...)`) is never closed; call `await pool.shutdown()` in a `finally`"


def test_an_owner_ending_its_elements_through_an_awaited_gather_is_a_resource(tmp_path: Path) -> None:
    source = POOL.format(end=GENERATOR, use=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == [FINDING]


def test_a_gather_of_a_listed_comprehension_ends_each_alike(tmp_path: Path) -> None:
    source = POOL.format(end=LISTED, use=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == [FINDING]


def test_the_owner_ended_in_a_finally_is_clean(tmp_path: Path) -> None:
    source = POOL.format(end=GENERATOR, use=ENDED)
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_gather_never_awaited_ends_nothing(tmp_path: Path) -> None:
    end = "self._closing = asyncio.gather(*(s.close() for s in self._sessions.values()))"
    source = POOL.format(end=end, use=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_gather_of_something_else_is_no_teardown_of_the_elements(tmp_path: Path) -> None:
    end = "await asyncio.gather(*(s.get('/ping') for s in self._sessions.values()))"
    source = POOL.format(end=end, use=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == []
