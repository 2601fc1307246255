"""Session 59: a cancel that restarts a task is no end of its owner's life (issue 28, TRD3 sites
the task model saw and judged ended).

A method that cancels a task kept on ``self`` and then, on the same path, calls the class's own
method that starts it again (``self._poll.cancel(); await self.start()``) ends the old task only:
the new one, and the object's last one, run on when the object is done. The direct form
(``self.t.cancel(); self.t = create_task(...)``) was already no end (``facts.uses.renews_after``);
this is the same question asked through the methods the restart calls on ``self``, for one task
and for the tasks of a collection (OctoBot-Trading ``177c80aa``: ``OHLCVUpdater.resume()``
cancels its update loops and runs the producer again, and nothing cancels them when it stops).

Twins: the same classes whose ``stop()`` ends the task too (silent); a restart whose start runs
only under a branch of its own, or after a ``return`` that may leave first (silent: the cancel
may be the end); a cancel followed by a call of a method that starts another task (silent).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

RESTARTED = """\
import asyncio


class Poller:
    def __init__(self) -> None:
        self._poll = None
        self._running = False

    async def start(self) -> None:
        self._poll = asyncio.create_task(self._loop())

    async def restart(self) -> None:
        self._poll.cancel()
        await self.start()

    async def stop(self) -> None:
        self._running = False

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(1)
"""

RESTARTED_FINDING = (
    "10:9 TRD303 `self._poll` is cancelled only to start it again, in `restart()`; cancel it in `stop()`"
)

RESUMED = """\
import asyncio


class Updater:
    def __init__(self) -> None:
        self.tasks = []

    async def start(self) -> None:
        self.tasks = [asyncio.create_task(self._update(pair)) for pair in ("a", "b")]

    async def resume(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.run()

    async def run(self) -> None:
        await self.start()

    async def stop(self) -> None:
        self.stopped = True

    async def _update(self, pair: str) -> None:
        while True:
            await asyncio.sleep(1)
"""

RESUMED_FINDING = (
    "9:9 TRD303 tasks in `self.tasks` are cancelled only to start them again, in `resume()`; "
    "end each one in `stop()`"
)


def test_a_restart_through_the_start_method_is_no_end(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RESTARTED, "TRD303") == [RESTARTED_FINDING]


def test_a_restart_twin_ended_by_stop(tmp_path: Path) -> None:
    ended = RESTARTED.replace("        self._running = False\n", "        self._running = False\n        self._poll.cancel()\n")
    assert source_findings(tmp_path, ended, "TRD303") == []


def test_a_start_under_a_branch_of_its_own_leaves_the_cancel_an_end(tmp_path: Path) -> None:
    branch = RESTARTED.replace("        await self.start()\n", "        if self._running:\n            await self.start()\n")
    assert source_findings(tmp_path, branch, "TRD303") == []


def test_a_return_before_the_start_leaves_the_cancel_an_end(tmp_path: Path) -> None:
    leaves = RESTARTED.replace(
        "        self._poll.cancel()\n        await self.start()\n",
        "        self._poll.cancel()\n        if not self._running:\n            return\n        await self.start()\n",
    )
    assert source_findings(tmp_path, leaves, "TRD303") == []


def test_a_call_that_starts_another_task_is_no_restart(tmp_path: Path) -> None:
    other = RESTARTED.replace("        await self.start()\n", "        await self.report()\n").replace(
        "    async def stop(self) -> None:\n",
        "    async def report(self) -> None:\n"
        "        self._report = asyncio.create_task(asyncio.sleep(0))\n"
        "        await self._report\n\n"
        "    async def stop(self) -> None:\n",
    )
    assert "async def report" in other
    assert source_findings(tmp_path, other, "TRD303") == []


def test_a_collection_restarted_through_two_methods_is_no_end(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RESUMED, "TRD303") == [RESUMED_FINDING]


def test_a_collection_twin_ended_by_stop(tmp_path: Path) -> None:
    ended = RESUMED.replace(
        "        self.stopped = True\n", "        self.stopped = True\n        for task in self.tasks:\n            task.cancel()\n"
    )
    assert source_findings(tmp_path, ended, "TRD303") == []


def test_a_collection_resumed_by_a_method_the_class_does_not_define_says_nothing(tmp_path: Path) -> None:
    # ``run()`` of a base the project does not have: what it does is unknown, the cancel may end them.
    unknown = RESUMED.replace("    async def run(self) -> None:\n        await self.start()\n\n", "")
    assert source_findings(tmp_path, unknown, "TRD303") == []
