"""Session 51 (precision): an awaited ``wait_closed()`` returns once the resource is closed (a
remote process that exited and closed its channel, a stream its peer closed), so it ends it,
as ``close()`` does. Read on an SSH pool's probe: ``test = await pool.start_process(host, "echo
ok")`` then ``await test.wait_closed()``. Twins: ``wait_closed()`` called without ``await``
(a coroutine that never runs), and a process only waited for with ``wait()`` of its exit
status, which the library does not say closes it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

PROBE = '''\
import asyncssh


async def probe(conn: asyncssh.SSHClientConnection) -> bool:
    test = await conn.create_process("echo ok")
    try:
        {wait}
    except Exception:
        return False
    return True
'''


def test_an_awaited_wait_closed_ends_the_process(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE.format(wait="await test.wait_closed()"), "TRD2") == []


def test_a_wait_closed_never_awaited_ends_nothing(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE.format(wait="test.wait_closed()"), "TRD2") == [
        "5:5 TRD201 `test` (`conn.create_process(...)`) is never closed; call `test.close()` in a `finally`",
    ]


def test_waiting_for_the_exit_status_is_no_close(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROBE.format(wait="await test.wait()"), "TRD2") == [
        "5:5 TRD201 `test` (`conn.create_process(...)`) is never closed; call `test.close()` in a `finally`",
    ]
