"""Session 43 (issue 28 point 6): tasks made by a factory, judged by what the project's callers
do with them.

- A function that makes a task of a coroutine it picks and returns it, whose every call in the
  project (tests aside) drops the task, is reported at its ``return``, where the fix belongs
  (iMicknl/ha-nest-protect ``0599dcfa``); each dropping call is reported as before. A call that
  keeps or awaits the task, the function handed on by reference, or a wrapper of a coroutine the
  caller hands in, makes no finding at the factory.
- A factory method whose only call keeps the task on ``self`` where nothing ends it at the
  object's end has that attribute's finding at its ``return``, where the task is made
  (bachya/ecowitt2mqtt ``b3eabfa9``); with a release that ends the tasks, nothing is reported.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

FACTORY = """\
import asyncio


async def _subscribe(client):
    while True:
        await client.poll()


def _register(client):
    return asyncio.create_task(_subscribe(client))
"""

SETUP_DROPS = """\
from app.tasks import _register


async def setup(client):
    _register(client)


async def on_reconnect(client):
    _register(client)
"""

FACTORY_MESSAGE = (
    "TRD301 task from `asyncio.create_task(...)` is returned by `_register()`, and every call of it drops the "
    "task; keep it in `_register()` or in a caller"
)
DROPPED = "TRD301 task from `_register(...)` is discarded; keep it and await or cancel it"


def test_factory_whose_every_caller_drops_the_task_is_reported_at_its_return(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/tasks.py": FACTORY, "app/setup.py": SETUP_DROPS}
    assert _check_tree(tmp_path, files) == [
        f"setup.py:5:5 {DROPPED}",
        f"setup.py:9:5 {DROPPED}",
        f"tasks.py:10:5 {FACTORY_MESSAGE}",
    ]


def test_factory_with_a_caller_that_keeps_the_task_is_not_reported(tmp_path: Path) -> None:
    keeps = SETUP_DROPS + """

class Entry:
    def __init__(self, client):
        self.task = _register(client)

    def close(self):
        self.task.cancel()
"""
    files = {"app/__init__.py": "", "app/tasks.py": FACTORY, "app/setup.py": keeps}
    assert _check_tree(tmp_path, files) == [f"setup.py:5:5 {DROPPED}", f"setup.py:9:5 {DROPPED}"]


def test_factory_whose_caller_awaits_the_task_is_not_reported(tmp_path: Path) -> None:
    awaits = "from app.tasks import _register\n\n\nasync def setup(client):\n    await _register(client)\n"
    files = {"app/__init__.py": "", "app/tasks.py": FACTORY, "app/setup.py": awaits}
    assert _check_tree(tmp_path, files) == []


def test_factory_handed_on_by_reference_is_not_reported(tmp_path: Path) -> None:
    handed = SETUP_DROPS + "\n\ndef runner(run):\n    return run(_register)\n"
    files = {"app/__init__.py": "", "app/tasks.py": FACTORY, "app/setup.py": handed}
    assert _check_tree(tmp_path, files) == [f"setup.py:5:5 {DROPPED}", f"setup.py:9:5 {DROPPED}"]


def test_wrapper_of_the_callers_coroutine_is_reported_at_the_callers_only(tmp_path: Path) -> None:
    wrapper = "import asyncio\n\n\ndef _register(coro):\n    return asyncio.create_task(coro)\n"
    setup = SETUP_DROPS.replace("_register(client)", "_register(client.poll())")
    files = {"app/__init__.py": "", "app/tasks.py": wrapper, "app/setup.py": setup}
    assert _check_tree(tmp_path, files) == [f"setup.py:5:5 {DROPPED}", f"setup.py:9:5 {DROPPED}"]


def test_factory_of_an_awaitable_the_caller_hands_in_is_a_wrapper(tmp_path: Path) -> None:
    # hummingbot's ``safe_ensure_future``: the coroutine awaits what the caller gives.
    wrapper = (
        "import asyncio\n\n\nasync def safe_wrapper(c):\n    return await c\n\n\n"
        "def _register(coro):\n    return asyncio.ensure_future(safe_wrapper(coro))\n"
    )
    setup = SETUP_DROPS.replace("_register(client)", "_register(client.poll())")
    files = {"app/__init__.py": "", "app/tasks.py": wrapper, "app/setup.py": setup}
    assert _check_tree(tmp_path, files) == [f"setup.py:5:5 {DROPPED}", f"setup.py:9:5 {DROPPED}"]


def test_public_factory_outside_a_project_is_not_judged(tmp_path: Path) -> None:
    # No project marker: a sibling package (not checked here) may keep what ``register`` returns.
    factory = FACTORY.replace("_register", "register")
    setup = SETUP_DROPS.replace("_register", "register")
    files = {"app/__init__.py": "", "app/tasks.py": factory, "app/setup.py": setup}
    dropped = DROPPED.replace("_register", "register")
    assert tree_findings(tmp_path, files, select="TRD3") == [f"setup.py:5:5 {dropped}", f"setup.py:9:5 {dropped}"]


def test_factory_dropped_only_by_tests_is_not_reported(tmp_path: Path) -> None:
    test = "from app.tasks import _register\n\n\nasync def test_it(client):\n    _register(client)\n"
    files = {"app/__init__.py": "", "app/tasks.py": FACTORY, "tests/test_tasks.py": test}
    assert _check_tree(tmp_path, files) == [f"test_tasks.py:5:5 {DROPPED}"]


RUNTIME = """\
import asyncio


class Runtime:
    def __init__(self, server):
        self._server = server
        self._loop_tasks = []

    def _create_loop_task(self, queue):
        async def loop():
            while True:
                await queue.get()

        return asyncio.create_task(loop())

    def on_payload(self, queue):
        self._loop_tasks.append(self._create_loop_task(queue))

    async def start(self):
        try:
            await self._server.serve()
        except asyncio.CancelledError:
            for task in self._loop_tasks:
                task.cancel()

    def stop(self):
        STOP
"""

RUNTIME_MESSAGE = (
    "TRD303 tasks in `self._loop_tasks` are ended only when an error is caught in `start()`; end every one in `stop()`"
)


def test_task_of_a_factory_method_kept_on_self_is_reported_where_it_is_made(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/runtime.py": RUNTIME.replace("STOP", "self._server.should_exit = True")}
    assert _check_tree(tmp_path, files) == [f"runtime.py:14:9 {RUNTIME_MESSAGE}"]


def test_task_of_a_factory_method_cancelled_in_the_release_is_not_reported(tmp_path: Path) -> None:
    stop = "for task in self._loop_tasks:\n            task.cancel()"
    files = {"app/__init__.py": "", "app/runtime.py": RUNTIME.replace("STOP", stop)}
    assert _check_tree(tmp_path, files) == []


def test_factory_method_with_two_callers_keeps_the_finding_at_the_store(tmp_path: Path) -> None:
    twice = RUNTIME.replace("STOP", "self._server.should_exit = True") + (
        "\n    def on_retry(self, queue):\n        self._loop_tasks.append(self._create_loop_task(queue))\n"
    )
    files = {"app/__init__.py": "", "app/runtime.py": twice}
    assert _check_tree(tmp_path, files) == [f"runtime.py:17:9 {RUNTIME_MESSAGE}"]
