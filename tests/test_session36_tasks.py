"""Session 36 (issue 28): asyncio tasks made through a wrapper of another module, and periodic
jobs named after a cleanup.

- **A wrapper called through its module's name** (``from botcore.utils import scheduling``,
  then ``scheduling.create_task(coro)``) is judged as the bare name is after ``from
  botcore.utils.scheduling import create_task``: a first-party function that makes a task and
  returns it without keeping it leaves the task to the caller, who must keep and end it
  (python-discord/bot-core ``805c6043``: the cooldown manager's cleanup task, never cancelled).
  A wrapper that keeps its task (a set with ``discard`` on completion) owns it: its callers are
  not reported.
- **A periodic job is no teardown.** ``create_task(self.cleanup())`` runs the object's own
  release and is not reported; ``create_task(self._periodical_cleanup())`` whose method loops
  until cancelled (``while True:`` sleep and sweep) never finishes by itself, so the attribute
  that holds it must be cancelled (bot-core again).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings


def _check(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return tree_findings(tmp_path, files, "TRD3")


WRAPPER = """\
import asyncio


def _log_errors(task):
    if not task.cancelled() and task.exception() is not None:
        print(task.exception())


def create_task(coro, **kwargs):
    task = asyncio.create_task(coro, **kwargs)
    task.add_done_callback(_log_errors)
    return task
"""

KEEPING_WRAPPER = """\
import asyncio

_TASKS = set()


def create_task(coro, **kwargs):
    task = asyncio.create_task(coro, **kwargs)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task
"""

COOLDOWN = """\
import asyncio

from app import scheduling


class CooldownManager:
    def __init__(self):
        self._cooldowns = {}
        self.cleanup_task = scheduling.create_task(self._sweep())

    async def _sweep(self):
        await asyncio.sleep(60)
        self._cooldowns.clear()


async def send(data):
    scheduling.create_task(asyncio.sleep(data))
"""


def test_a_wrapper_called_through_its_module_makes_the_callers_task(tmp_path: Path) -> None:
    found = _check(tmp_path, {"app/__init__.py": "", "app/scheduling.py": WRAPPER, "app/cooldown.py": COOLDOWN})
    assert found == [
        "cooldown.py:17:5 TRD301 task from `scheduling.create_task(...)` is discarded; keep it and await or cancel it",
        "cooldown.py:9:9 TRD303 `self.cleanup_task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
        "scheduling.py:10:5 TRD301 task `task` from `asyncio.create_task(...)` is left to callers told to drop it; keep it in `create_task()`",
    ]


def test_a_wrapper_that_keeps_its_task_owns_it_through_its_module_too(tmp_path: Path) -> None:
    # The negative twin: the wrapper keeps each task until it is done and owns it, as it does
    # when called by its bare name: neither the dropped result nor the attribute is reported.
    found = _check(tmp_path, {"app/__init__.py": "", "app/scheduling.py": KEEPING_WRAPPER, "app/cooldown.py": COOLDOWN})
    assert found == []


def test_the_module_form_and_the_name_form_agree(tmp_path: Path) -> None:
    by_name = COOLDOWN.replace("from app import scheduling", "from app.scheduling import create_task").replace(
        "scheduling.create_task(", "create_task("
    )
    found = _check(tmp_path, {"app/__init__.py": "", "app/scheduling.py": WRAPPER, "app/cooldown.py": by_name})
    assert found == [
        "cooldown.py:17:5 TRD301 task from `create_task(...)` is discarded; keep it and await or cancel it",
        "cooldown.py:9:9 TRD303 `self.cleanup_task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
        "scheduling.py:10:5 TRD301 task `task` from `asyncio.create_task(...)` is left to callers told to drop it; keep it in `create_task()`",
    ]


def test_a_standard_library_module_attribute_is_no_wrapper(tmp_path: Path) -> None:
    source = """\
import asyncio
import functools


async def main(coro):
    functools.partial(asyncio.sleep, 1)
    asyncio.sleep(0)
"""
    assert _check(tmp_path, {"main.py": source}) == []


PERIODIC = """\
import asyncio


class Cache:
    def __init__(self):
        self._items = {}
        self.cleanup_task = asyncio.create_task(self._periodical_cleanup(5))

    async def _periodical_cleanup(self, delay):
        await asyncio.sleep(delay)
        while True:
            await asyncio.sleep(3600)
            self._items.clear()
"""


def test_a_periodic_job_named_after_a_cleanup_is_no_teardown(tmp_path: Path) -> None:
    assert _check(tmp_path, {"cache.py": PERIODIC}) == [
        "cache.py:7:9 TRD303 `self.cleanup_task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
    ]


def test_a_cleanup_that_finishes_is_the_teardown_itself(tmp_path: Path) -> None:
    # The negative twin: the cleanup runs once and ends; cancelling it would undo the release.
    source = PERIODIC.replace(
        "        while True:\n            await asyncio.sleep(3600)\n            self._items.clear()\n",
        "        self._items.clear()\n",
    )
    assert _check(tmp_path, {"cache.py": source}) == []


RECEIVER = """\
import asyncio


class ReceiveFileTask:
    def __init__(self, coro, logger):
        self.logger = logger
        self.task = asyncio.create_task(coro())
        self.task.add_done_callback(self.done_callback)

    def done_callback(self, future=None):
        exc = self.task.exception()
        if exc:
            self.logger.error(exc)
"""


def test_a_done_callback_reading_the_outcome_ends_nothing(tmp_path: Path) -> None:
    # The callback runs once the task is done: its ``exception()`` says how the task ended and
    # never makes it end (wazuh/wazuh ``87d9ae97``).
    assert _check(tmp_path, {"common.py": RECEIVER}) == [
        "common.py:7:9 TRD303 `self.task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
    ]


def test_reading_the_outcome_in_the_normal_flow_ends_the_task(tmp_path: Path) -> None:
    # The negative twin: another method waits for the outcome (``result()`` after the object's
    # own wait), as an ``await`` would.
    source = RECEIVER.replace(
        "    def done_callback(self, future=None):\n        exc = self.task.exception()",
        "    def done_callback(self, future=None):\n        exc = None\n\n"
        "    async def finish(self):\n        await asyncio.sleep(0)\n        exc = self.task.result()",
    )
    assert _check(tmp_path, {"common.py": source}) == []


CORE = """\
import asyncio


class RetryableError(Exception):
    pass


class Core:
    def __init__(self, camera):
        self.cam = camera

    async def connect(self, ws):
        try:
            await asyncio.gather(self.cam.read(ws), self.cam.run())
        except RetryableError:
            return True
        finally:
            await self.cam.close()
"""

CAMERA = """\
class Camera:
    async def read(self, ws):
        while True:
            message = await ws.recv()
            if message is None:
                raise RuntimeError("closed")

    async def run(self):
        pass

    async def close(self):
        pass
"""


def test_a_gathered_method_of_an_untyped_attribute_is_every_project_method_of_its_name(tmp_path: Path) -> None:
    # ``self.cam`` is a parameter nothing types; the project's only ``read`` loops until
    # cancelled: when ``run()`` fails, the reader runs on (keshavdv/unifi-cam-proxy ``7c7d62f4``).
    found = _check(tmp_path, {"cam/__init__.py": "", "cam/core.py": CORE, "cam/camera.py": CAMERA})
    assert found == [
        "core.py:14:13 TRD304 work gathered by `asyncio.gather(...)` runs on when one of it fails; cancel the rest in `finally`, or use a `TaskGroup`",
    ]


def test_an_untyped_method_is_judged_only_when_every_method_of_its_name_loops(tmp_path: Path) -> None:
    # The negative twin: another class's ``read`` returns after one message, so the call may
    # end by itself.
    other = "class Once:\n    async def read(self, ws):\n        return await ws.recv()\n"
    found = _check(tmp_path, {"cam/__init__.py": "", "cam/core.py": CORE, "cam/camera.py": CAMERA, "cam/once.py": other})
    assert found == []
