"""Session 93: tasks put into an object's collection through a display are kept by the object
(issue 28 point 6, TRD304's precision on application code).

Read on a Telegram bot nobody on the team had read (a fresh labelled set): ``run()`` made a
polling task and a shutdown waiter, kept both with ``self._active_tasks.update({polling_task,
shutdown_task})``, raced them in ``asyncio.wait(..., FIRST_COMPLETED)``, and its ``finally``
awaited ``self.cleanup()``, which cancels every task of ``self._active_tasks``. TRD304 said each
"outlives a cancelled wait": a task handed to ``self._tasks.add(task)`` was already the object's,
one inside a set given to ``self._tasks.update(...)`` was read as still the function's.

Twin: the same display given to ``asyncio.wait`` only: the function's, reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

BOT = """\
import asyncio


class Bot:
    def __init__(self, dispatcher):
        self.dp = dispatcher
        self._active_tasks: set[asyncio.Task] = set()
        self._shutdown = asyncio.Event()

    async def run(self):
        try:
            polling_task = asyncio.create_task(self.dp.start_polling())
            shutdown_task = asyncio.create_task(self._shutdown.wait())
{keep}
            done, pending = await asyncio.wait({raced}, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        finally:
            await self.cleanup()

    async def cleanup(self):
        for task in list(self._active_tasks):
            if not task.done():
                task.cancel()
        self._active_tasks.clear()
"""


def _files(keep: str, raced: str = "{polling_task, shutdown_task}") -> dict[str, str]:
    return {"pkg/__init__.py": "", "pkg/bot.py": BOT.replace("{keep}", keep).replace("{raced}", raced)}


def _raced(line: int, name: str) -> str:
    return f"bot.py:{line}:13 TRD304 task `{name}` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`"


def test_tasks_kept_in_the_objects_set_through_a_display_are_not_reported(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files("            self._active_tasks.update({polling_task, shutdown_task})"), "TRD3") == []


def test_twin_tasks_in_a_display_given_to_the_wait_only(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files("            pass"), "TRD3") == [_raced(12, "polling_task"), _raced(13, "shutdown_task")]
