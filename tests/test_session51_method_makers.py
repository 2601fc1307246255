"""Session 51 (issue 28 point 1, ownership proven): a first-party method that returns what a
library maker makes on its receiver hands a new resource to its caller, as a module's function
already did. A pool keeps SSH connections and its ``start_process()`` returns ``await
conn.create_process(command)`` (asyncssh's ``SSHClientProcess``, which its caller must close);
a log streamer calls ``await self._pool.start_process(...)``, reads the process's output and
never closes it: the SSH channel and the remote ``tail -f`` stay open when the stream stops.
Twins: the caller closes it in a ``finally``; the method returns a process it keeps (the
pool's own, not the caller's)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

POOL = '''\
from typing import Optional

import asyncssh


class Pool:
    def __init__(self) -> None:
        self._connections: dict[str, asyncssh.SSHClientConnection] = {}
        self._procs: list[asyncssh.SSHClientProcess] = []

    async def start_process(self, host: str, command: str) -> Optional[asyncssh.SSHClientProcess]:
        conn = self._connections.get(host)
        if conn is None:
            return None
        return await conn.create_process(command)

    async def shared_process(self, host: str, command: str) -> asyncssh.SSHClientProcess:
        proc = await self._connections[host].create_process(command)
        self._procs.append(proc)
        return proc

    async def close(self) -> None:
        for proc in self._procs:
            proc.close()
'''

STREAMER = '''\
from pool import Pool


class Streamer:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def stream(self, host: str) -> None:
        proc = await self._pool.{method}(host, "tail -f log")
{body}
'''

READ = '''\
        async for line in proc.stdout:
            print(line)'''

CLOSED = '''\
        try:
            async for line in proc.stdout:
                print(line)
        finally:
            proc.close()'''


def _findings(tmp_path: Path, method: str, body: str) -> list[str]:
    return tree_findings(tmp_path, {"pool.py": POOL, "streamer.py": STREAMER.format(method=method, body=body)}, "TRD2", project=True)


def test_a_process_a_pool_method_makes_for_its_caller_is_the_callers_to_close(tmp_path: Path) -> None:
    assert _findings(tmp_path, "start_process", READ) == [
        "streamer.py:9:9 TRD201 `proc` (`self._pool.start_process(...)`) is never closed; call `proc.close()` in a `finally`",
    ]


def test_the_caller_closing_it_in_a_finally_is_clean(tmp_path: Path) -> None:
    assert _findings(tmp_path, "start_process", CLOSED) == []


def test_a_process_the_pool_keeps_is_not_the_callers(tmp_path: Path) -> None:
    assert _findings(tmp_path, "shared_process", READ) == []
