"""Session 53: a task owner's public method that runs its ender ends its tasks too.

A first-party task owner keeps the tasks it starts in a collection on ``self`` and cancels each
in ``shutdown()``; its ``shutdown_and_wait()`` calls ``self.shutdown()`` and then waits for the
tasks. A holder whose release awaits ``shutdown_and_wait()`` was reported as never cancelling
the owner's tasks (``call its shutdown()``), since only the method with the cancelling loop
counted as an ender. A public method taking no argument that calls an ender of its own class
(directly or through another such method) is an ender as well.

Negative twin: the holder's release calls nothing of the owner (still reported, naming the
loop's method).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check = partial(tree_findings, project=True)

MANAGER = """\
import asyncio


class TaskManager:
    def __init__(self):
        self.tasks = set()

    def ensure_future(self, coroutine):
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)

    def shutdown(self):
        for task in self.tasks:
            task.cancel()

    async def shutdown_and_wait(self):
        self.shutdown()
        if self.tasks:
            await asyncio.wait(self.tasks)


class Canceller:
    def __init__(self):
        self.task_manager = TaskManager()

    async def close(self):
        ENDS
"""


def test_holder_runs_the_method_that_calls_the_ender(tmp_path: Path) -> None:
    source = MANAGER.replace("ENDS", "await self.task_manager.shutdown_and_wait()")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == []


def test_holder_ends_nothing(tmp_path: Path) -> None:
    source = MANAGER.replace("ENDS", "pass")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == [
        "tasks.py:24:9 TRD303 tasks of `self.task_manager` are never cancelled; call its `shutdown()` in `close()`"
    ]


def test_ender_reached_through_two_methods(tmp_path: Path) -> None:
    source = MANAGER.replace(
        "class Canceller:",
        "    async def close(self):\n        await self.shutdown_and_wait()\n\n\nclass Canceller:",
    ).replace("ENDS", "await self.task_manager.close()")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == []


def test_method_calling_the_ender_with_an_argument_is_not_one(tmp_path: Path) -> None:
    # ``drain(timeout)`` takes an argument: no method a holder ends the owner with.
    source = MANAGER.replace(
        "class Canceller:",
        "    async def drain(self, timeout):\n        self.shutdown()\n\n\nclass Canceller:",
    ).replace("ENDS", "await self.task_manager.drain(1)")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == [
        "tasks.py:28:9 TRD303 tasks of `self.task_manager` are never cancelled; call its `shutdown()` in `close()`"
    ]


def test_the_advice_names_the_cancelling_method_not_one_that_runs_it(tmp_path: Path) -> None:
    # ``restart()`` runs ``shutdown()`` and starts again: it ends the tasks of the moment, but a
    # holder told to call it at its end would start new ones. The advice stays ``shutdown()``.
    source = MANAGER.replace(
        "class Canceller:",
        "    def restart(self):\n        self.shutdown()\n        self.ensure_future(asyncio.sleep(1))\n\n\nclass Canceller:",
    ).replace("ENDS", "pass")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == [
        "tasks.py:29:9 TRD303 tasks of `self.task_manager` are never cancelled; call its `shutdown()` in `close()`"
    ]


def test_a_method_that_cancels_only_on_a_failure_is_no_ender(tmp_path: Path) -> None:
    # ``raise_any_exception()`` runs ``shutdown()`` only when a task failed: a holder that calls
    # it on each step of its loop still leaves the tasks running at its end.
    source = MANAGER.replace(
        "class Canceller:",
        "    def raise_any_exception(self):\n        for task in self.tasks:\n            if task.done():\n"
        "                self.shutdown()\n\n\nclass Canceller:",
    ).replace("ENDS", "self.task_manager.raise_any_exception()")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == [
        "tasks.py:30:9 TRD303 tasks of `self.task_manager` are never cancelled; call its `shutdown()` in `close()`"
    ]
