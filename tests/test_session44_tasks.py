"""Session 44 (issue 28, tasks): a task made inside ``asyncio.shield(...)`` and held by nothing else.

``asyncio.shield(asyncio.create_task(coro))`` keeps only the shield's outer future: the outer
future does not reference the task inside (the task references the outer through its done
callback), so nothing but the event loop's weak set holds the task, which a garbage collection
pass can destroy mid-run and nobody can cancel at shutdown (dbos-inc/dbos-transact-py
``3850b943``). Reported at the creation, however the shield's result is used (awaited, returned,
kept).

The negative twins: the task named and kept before it is shielded, a shield of a coroutine (whose
task ``shield`` makes itself), of a parameter given to ``ensure_future`` (maybe a future already),
of a future, and of a task of ``asyncio.sleep(0)`` give nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings

_check = partial(source_findings, select="TRD301")

SHIELDED = """\
import asyncio


async def work():
    await asyncio.sleep(1)


class Runner:
    def __init__(self):
        self._handles = []

    async def start(self, coro):
        handle = asyncio.shield(asyncio.create_task(coro))
        self._handles.append(handle)
        return handle

    async def run(self):
        self._handles.append(asyncio.shield(asyncio.ensure_future(work())))

    def detach(self):
        loop = asyncio.get_running_loop()
        return asyncio.shield(loop.create_task(work()))
"""

_HELD = "is held only by `asyncio.shield(...)`; keep a reference to it"


def test_task_made_inside_shield_is_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, SHIELDED) == [
        f"13:33 TRD301 task from `asyncio.create_task(...)` {_HELD}",
        f"18:45 TRD301 task from `asyncio.ensure_future(...)` {_HELD}",
        f"22:31 TRD301 task from `loop.create_task(...)` {_HELD}",
    ]


KEPT = """\
import asyncio


async def work():
    await asyncio.sleep(1)


class Runner:
    def __init__(self):
        self._tasks = set()

    async def start(self, coro):
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return asyncio.shield(task)

    async def run(self):
        return await asyncio.shield(work())

    async def relay(self, fut):
        return await asyncio.shield(asyncio.ensure_future(fut))

    async def later(self):
        loop = asyncio.get_running_loop()
        return await asyncio.shield(loop.create_future())

    async def tick(self):
        self._tasks.add(asyncio.shield(asyncio.create_task(asyncio.sleep(0))))

    async def save(self):
        await asyncio.shield(asyncio.create_task(work()))
"""


def test_task_kept_before_the_shield_is_not_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, KEPT) == []


WRAPPED = """\
import asyncio


def spawn(coro):
    return asyncio.create_task(coro)


async def work():
    await asyncio.sleep(1)


async def main():
    handle = asyncio.shield(spawn(work()))
    kept = spawn(work())
    await kept
    return handle
"""


def test_task_made_by_a_project_wrapper_inside_shield_is_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, WRAPPED) == [f"13:29 TRD301 task from `spawn(...)` {_HELD}"]


def test_task_made_by_a_project_wrapper_and_kept_is_not_reported(tmp_path: Path) -> None:
    source = WRAPPED.replace("handle = asyncio.shield(spawn(work()))", "handle = asyncio.shield(kept := spawn(work()))")
    assert _check(tmp_path, source) == []
