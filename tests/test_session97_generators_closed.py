"""Session 97 (issue 28, precision): an async generator a coroutine leaves is closed by the loop.

TRD201 reported a first-party async generator holding a resource at its ``yield`` whenever the
calling function left it unexhausted: a ``break`` or ``return`` out of ``async for``, or a step
with ``anext()`` and no ``aclose()``. In a coroutine that leaks nothing: every asyncio loop
installs async-generator hooks (``sys.set_asyncgen_hooks``), and when the generator's last
reference goes (the loop's exit, the function's return) the loop schedules its ``aclose()`` at
once. The program below shows it with the garbage collector off: 100 requests, each leaving a
generator that holds one of 3 pooled connections, are all served, and none stays held. What
still leaks is a generator synchronous code steps on a loop of its own and drops (the shape of
the development pool's one generator fix): nothing runs its ``finally`` once that loop is
closed, and the program shows the connections it keeps. A coroutine's is still reported under ``--preview``: its cleanup runs in
another task (flake8-async's opt-in ASYNC900 asks for ``aclosing()`` for that reason).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import source_findings, tree_findings

PROGRAM = '''\
import asyncio
import gc


class Pool:
    def __init__(self, size):
        self.free = asyncio.Semaphore(size)
        self.held = 0

    async def acquire(self):
        await asyncio.wait_for(self.free.acquire(), 1)
        self.held += 1
        return self.held

    async def release(self, conn):
        await asyncio.sleep(0)
        self.held -= 1
        self.free.release()


async def get_db(pool):
    conn = await pool.acquire()
    try:
        yield conn
    finally:
        await pool.release(conn)


async def left_by_break(pool):
    async for db in get_db(pool):
        break


async def left_by_return(pool):
    async for db in get_db(pool):
        return db


async def stepped(pool):
    gen = get_db(pool)
    return await anext(gen)


async def main():
    pool = Pool(3)
    for _ in range(34):
        await left_by_break(pool)
        await left_by_return(pool)
        await stepped(pool)
    for _ in range(3):
        await asyncio.sleep(0)
    print("coroutines:", pool.held)


def first_row(pool):
    loop = asyncio.new_event_loop()
    try:
        gen = get_db(pool)
        return loop.run_until_complete(anext(gen))
    finally:
        loop.close()


def sync_rows():
    loop = asyncio.new_event_loop()
    pool = loop.run_until_complete(asyncio.sleep(0, Pool(3)))
    loop.close()
    for _ in range(2):
        first_row(pool)
    print("synchronous:", pool.held)


gc.disable()
asyncio.run(main())
sync_rows()
'''


def test_the_loop_closes_what_a_coroutine_leaves(tmp_path: Path) -> None:
    (tmp_path / "prog.py").write_text(PROGRAM)
    done = subprocess.run([sys.executable, "prog.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "coroutines: 0\nsynchronous: 2\n"


def test_only_the_generator_synchronous_code_drops_is_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PROGRAM, "TRD201") == [
        "58:15 TRD201 `get_db(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 59); "
        "wrap it in `contextlib.aclosing()`",
    ]


def test_a_coroutine_s_generator_is_reported_under_preview(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"prog.py": PROGRAM}, "TRD201", preview=True) == [
        "prog.py:30:21 TRD201 `get_db(...)` holds a cleanup at its `yield` and is left by the `break` at line 31 before it "
        "is exhausted; wrap it in `contextlib.aclosing()`",
        "prog.py:35:21 TRD201 `get_db(...)` holds a cleanup at its `yield` and is left by the `return` at line 36 before it "
        "is exhausted; wrap it in `contextlib.aclosing()`",
        "prog.py:40:11 TRD201 `get_db(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 41); "
        "wrap it in `contextlib.aclosing()`",
        "prog.py:58:15 TRD201 `get_db(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 59); "
        "wrap it in `contextlib.aclosing()`",
    ]
