"""Session 67: a task's loop ended by the flag its owner's end sets, in two more spellings (issue
28, point 6). Found reading the development pool's sites still reported after the maintainers'
fix: a BLE scale's heartbeat that leaves ``while True:`` through ``if not self._connected or
self._disconnecting: return`` (the fix), and a mesh hub's per-peer readers kept in a dict, each
``while self._running:`` with a bounded read, whose ``stop()`` clears the flag; both were still
reported as never cancelled.

Principle (lifetime, :mod:`tradelint.models.tasks.flag_ends`): a ``while True:`` whose turn starts
with a guard that leaves the loop tests the flag as ``while not <guard>:`` does; and a task kept
as an element of a collection of the class ends by the flag as one kept in an attribute does.
Twins: no guard; a guard on a flag that no end of the class sets; an element whose turn waits
without bound (``await reader.readline()``) or awaits what its method was given (``await
watch()``, which may wait as long as it likes): each still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

HEARTBEAT = """\
import asyncio


class Scale:
    def __init__(self) -> None:
        self._connected = False
        self._disconnecting = False
        self._heartbeat: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._connected = True
        self._heartbeat = asyncio.create_task(self._beat(5))

    async def _beat(self, interval: int) -> None:
        while True:
            try:
                if not self._connected or self._disconnecting:
                    return
                await asyncio.sleep(interval)
            except asyncio.CancelledError:
                return

    async def disconnect(self) -> None:
        self._disconnecting = True
        self._connected = False
"""

NO_GUARD = HEARTBEAT.replace("""                if not self._connected or self._disconnecting:
                    return
""", "")

GUARD_NEVER_SET = HEARTBEAT.replace("""        self._disconnecting = True
        self._connected = False
""", """        await asyncio.sleep(0)
""")

READERS = """\
import asyncio


class Hub:
    def __init__(self) -> None:
        self._running = False
        self._readers: dict[str, asyncio.Task[None]] = {}

    async def start(self) -> None:
        self._running = True

    async def follow(self, name: str, reader: asyncio.StreamReader) -> None:
        self._readers[name] = asyncio.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while self._running:
            try:
                line = await asyncio.wait_for(reader.readline(), timeout=30)
            except asyncio.TimeoutError:
                continue
            if not line:
                break

    async def stop(self) -> None:
        self._running = False
"""

UNBOUNDED = READERS.replace(
    "line = await asyncio.wait_for(reader.readline(), timeout=30)", "line = await reader.readline()"
)


def test_a_guard_that_leaves_while_true_is_the_flag_the_end_sets(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HEARTBEAT, "TRD303") == []


def test_twin_while_true_without_a_guard(tmp_path: Path) -> None:
    assert source_findings(tmp_path, NO_GUARD, "TRD303") == [
        "12:9 TRD303 `self._heartbeat` is never cancelled or awaited; cancel it in `disconnect()`",
    ]


def test_twin_a_guard_on_a_flag_no_end_sets(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GUARD_NEVER_SET, "TRD303") == [
        "12:9 TRD303 `self._heartbeat` is never cancelled or awaited; cancel it in `disconnect()`",
    ]


def test_tasks_kept_in_a_dict_end_by_the_flag_the_end_sets(tmp_path: Path) -> None:
    assert source_findings(tmp_path, READERS, "TRD303") == []


def test_twin_an_element_whose_turn_waits_without_bound(tmp_path: Path) -> None:
    assert source_findings(tmp_path, UNBOUNDED, "TRD303") == [
        "13:9 TRD303 tasks in `self._readers` are never cancelled or awaited; end each one in `stop()`",
    ]


GIVEN_WAIT = READERS.replace(
    "async def follow(self, name: str, reader: asyncio.StreamReader) -> None:\n        self._readers[name] = asyncio.create_task(self._read(reader))",
    "async def follow(self, name: str, watch: Callable[[], Awaitable[bytes]]) -> None:\n        self._readers[name] = asyncio.create_task(self._read(watch))",
).replace(
    "async def _read(self, reader: asyncio.StreamReader) -> None:", "async def _read(self, watch: Callable[[], Awaitable[bytes]]) -> None:"
).replace(
    "line = await asyncio.wait_for(reader.readline(), timeout=30)", "line = await watch()\n                await asyncio.sleep(1)"
).replace("import asyncio\n", "import asyncio\nfrom collections.abc import Awaitable, Callable\n", 1)


def test_twin_an_element_whose_turn_awaits_what_it_was_given(tmp_path: Path) -> None:
    # A trading bot's feed tasks: ``await watch_func(...)`` waits for the next message, however
    # long; the flag is read only when one arrives (labelled TP in apps28).
    assert source_findings(tmp_path, GIVEN_WAIT, "TRD303") == [
        "14:9 TRD303 tasks in `self._readers` are never cancelled or awaited; end each one in `stop()`",
    ]
