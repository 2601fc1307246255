"""Session 52 (first-party owners of resources kept as elements): a class that keeps resources as
the elements of a collection of its own (``self._clients[host] = client``, ``client =
Client(host)``) and whose teardown ends each of them (``for client in self._clients.values():
await client.close()``) is a resource itself: nothing but that teardown reaches the elements,
so whoever makes the owner must call it. Twins: the owner ended in a ``finally``, a teardown that
only drops the elements (no resource then), elements that are no resources, and a teardown that
calls a coroutine release without awaiting it.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

POOL = '''\
import aiohttp


class Client:
    def __init__(self, host: str) -> None:
        self.host = host
        self._session = {made}

    async def close(self) -> None:
        await self._session.close()


class Pool:
    def __init__(self, hosts: list[str]) -> None:
        self._clients: dict[str, Client] = {{}}
        for host in hosts:
            client = Client(host)
            {store}

    async def shutdown(self) -> None:
{end}


async def run(hosts: list[str]) -> int:
    pool = Pool(hosts)
{use}
'''

SESSION = "aiohttp.ClientSession()"
KEYED = "self._clients[host] = client"
APPENDED = "self._clients.append(client)"
LOOP = '''\
        for client in self._clients.values():
            await client.close()'''
LEAKED = "    return len(hosts)"
ENDED = '''\
    try:
        return len(hosts)
    finally:
        await pool.shutdown()'''

FINDING = "26:5 TRD201 `pool` (`Pool(...)`) is never closed; call `await pool.shutdown()` in a `finally`"


def test_an_owner_of_resources_kept_as_elements_is_a_resource(tmp_path: Path) -> None:
    source = POOL.format(made=SESSION, store=KEYED, end=LOOP, use=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == [FINDING]


def test_the_owner_ended_in_a_finally_is_clean(tmp_path: Path) -> None:
    source = POOL.format(made=SESSION, store=KEYED, end=LOOP, use=ENDED)
    assert source_findings(tmp_path, source, "TRD2") == []


def test_elements_appended_to_a_list_and_ended_in_a_loop_over_a_copy(tmp_path: Path) -> None:
    end = '''\
        for client in list(self._clients):
            await client.close()'''
    source = "import asyncio\n" + POOL.format(made=SESSION, store=APPENDED, end=end, use=LEAKED).replace(
        "dict[str, Client] = {}", "list[Client] = []"
    )
    assert source_findings(tmp_path, source, "TRD2") == [FINDING.replace("26:5", "27:5")]


def test_a_teardown_that_only_drops_the_elements_makes_no_resource(tmp_path: Path) -> None:
    source = POOL.format(made=SESSION, store=KEYED, end="        self._clients.clear()", use=LEAKED)
    # (the class leaks its elements, which is its own finding; its maker calls nothing to end them)
    assert source_findings(tmp_path, source, "TRD2") == [
        "17:13 TRD202 `Client(...)` items of `self._clients` are never closed; close each in `shutdown()`",
    ]


def test_elements_that_are_no_resources_make_no_resource(tmp_path: Path) -> None:
    source = POOL.format(made="dict()", store=KEYED, end=LOOP, use=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_coroutine_release_not_awaited_ends_no_element(tmp_path: Path) -> None:
    end = '''\
        for client in self._clients.values():
            client.close()'''
    findings = source_findings(tmp_path, POOL.format(made=SESSION, store=KEYED, end=end, use=LEAKED), "TRD2")
    assert not any("`pool`" in f for f in findings)
