"""Session 96: a task cancelled in a ``finally`` under ``'task' in locals()`` (issue 28 point 6,
precision of TRD302).

Read on a trading system's websocket manager nobody on the team had read: a connection handler
made its ping task inside a ``try`` and, in the ``finally``, cancelled and awaited it under ``if
'ping_task' in locals():``. The test is true on every path from the task's creation on (the name
is bound there); on its other branch no task was made. It was read as a test of something else,
and the task as left running when it is false.

Twins: a test of another name's binding, or of the module's names (``globals()``), or one under
``and`` with a test of something else, guards nothing of the task.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

HANDLER = '''\
import asyncio
import logging

logger = logging.getLogger(__name__)


async def ping_loop(ws):
    while True:
        await ws.ping()
        await asyncio.sleep(20)


async def handle(ws, auth, closing=False):
    try:
        if auth and not await ws.login(auth):
            return
        ping_task = asyncio.create_task(ping_loop(ws))
        async for message in ws:
            logger.info("message %s", message)
    except Exception:
        logger.exception("connection failed")
    finally:
        if {test}:
            ping_task.cancel()
            try:
                await ping_task
            except asyncio.CancelledError:
                pass
'''

SOME_PATHS = "17:9 TRD302 task `ping_task` from `asyncio.create_task(...)` is awaited on some paths only; cancel it on the others"


def _check(tmp_path: Path, test: str) -> list[str]:
    path = tmp_path / "ws.py"
    path.write_text(HANDLER.replace("{test}", test))
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD3"])]


def test_a_test_of_the_tasks_name_being_bound(tmp_path: Path) -> None:
    assert _check(tmp_path, "'ping_task' in locals()") == []


def test_read_through_vars(tmp_path: Path) -> None:
    assert _check(tmp_path, '"ping_task" in vars()') == []


def test_twin_another_names_binding(tmp_path: Path) -> None:
    assert _check(tmp_path, "'message' in locals()") == [SOME_PATHS]


def test_twin_the_modules_names(tmp_path: Path) -> None:
    assert _check(tmp_path, "'ping_task' in globals()") == [SOME_PATHS]


def test_twin_under_and_with_a_test_of_something_else(tmp_path: Path) -> None:
    assert _check(tmp_path, "'ping_task' in locals() and not closing") == [SOME_PATHS]
