"""Session 42 (issue 28 point 6): task wrappers that make their task of what they are given.

``asyncio.ensure_future(p)`` of a parameter ``p`` makes a task of a coroutine and hands a
future or task back as it is: whether a call of the function makes a task is known at the call
(its argument is a call). A plain function that makes its task so, keeps it nowhere (the local
is only given a done callback) and returns nothing leaves the task to nobody: each call given a
coroutine is a discarded task (TRD301), reported at the call, where the caller is the only
place the task could be kept (inmanta/inmanta-core ``8e71eb99``: the scheduler's actions ran
on after ``stop()``). Each shape beside its negative twin.
"""

from __future__ import annotations

from functools import partial

from tests.conftest import source_findings, tree_findings

_check = partial(source_findings, select="TRD3")
_check_tree = partial(tree_findings, select="TRD3", project=True)

HELPER = """\
import asyncio
import logging

LOGGER = logging.getLogger(__name__)


def ensure_future_and_log(logger, msg, action):
    future = asyncio.ensure_future(action)

    def handler(future):
        exc = future.exception()
        if exc is not None:
            logger.error(msg, exc_info=exc)

    future.add_done_callback(handler)


async def work():
    await asyncio.sleep(1)


class Scheduler:
    def fire(self, fut):
        ensure_future_and_log(LOGGER, "failed", work())
        ensure_future_and_log(LOGGER, "failed", fut)
"""


def test_wrapper_keeping_nothing_makes_a_discarded_task_per_call(tmp_path):
    # The call given a coroutine makes a task nobody holds; the one given a future makes none.
    assert _check(tmp_path, HELPER) == [
        "24:9 TRD301 task from `ensure_future_and_log(...)` is discarded; keep it and await or cancel it",
    ]


def test_wrapper_that_returns_or_keeps_its_task_is_not_this(tmp_path):
    returned = HELPER.replace(
        "    future.add_done_callback(handler)\n", "    future.add_done_callback(handler)\n    return future\n"
    ).replace("        ensure_future_and_log(LOGGER, \"failed\", work())\n", "        self.t = ensure_future_and_log(LOGGER, \"failed\", work())\n")
    kept = HELPER.replace("LOGGER = logging", "_RUNNING = set()\nLOGGER = logging").replace(
        "    future.add_done_callback(handler)\n",
        "    _RUNNING.add(future)\n    future.add_done_callback(_RUNNING.discard)\n    future.add_done_callback(handler)\n",
    )
    assert [f for f in _check(tmp_path, returned) if "ensure_future_and_log" in f] == []
    assert _check(tmp_path, kept) == []


def test_statement_wrapper_across_modules(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/util.py": "import asyncio\n\n\ndef spawn(coro):\n    asyncio.ensure_future(coro)\n",
        "app/server.py": (
            "from app.util import spawn\n\n\nasync def tick():\n    pass\n\n\n"
            "def start(fut):\n    spawn(tick())\n    spawn(fut)\n"
        ),
    }
    assert _check_tree(tmp_path, files) == [
        "server.py:9:5 TRD301 task from `spawn(...)` is discarded; keep it and await or cancel it",
    ]


def test_local_passed_on_or_awaited_is_kept(tmp_path):
    handed = (
        "import asyncio\n\n\ndef spawn(coro, registry):\n    t = asyncio.ensure_future(coro)\n"
        "    registry.append(t)\n\n\nasync def tick():\n    pass\n\n\ndef start(r):\n    spawn(tick(), r)\n"
    )
    assert _check(tmp_path, handed) == []
