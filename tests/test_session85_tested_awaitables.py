"""Session 85: a task made of a value the code tests at run time to be a coroutine (a callback's
result, ``if asyncio.iscoroutine(res): asyncio.create_task(res)``) is reported under
``--preview`` only (issue 28, point 6; precision on applications).

Labelled false five times in five on the development applications (``apps72.tsv``,
``heads70_a2.tsv``, ``heads70_a3.tsv``): the projects registered only synchronous callbacks, or
none, or the awaitable came from a test's ``AsyncMock``; whether a coroutine ever comes through
is the callers' doing, which the creating module does not show (:mod:`.tested_awaitables`). Twins:
a coroutine the code calls itself, tested or not, and a test of another value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tree_findings

DISCARDED = "worker.py:{0}:{1} TRD301 task from `{2}(...)` is discarded; keep it and await or cancel it"

PUBLISH = """\
import asyncio
import inspect


class Feed:
    def __init__(self):
        self._callbacks = []

    def register(self, callback):
        self._callbacks.append(callback)

    def publish(self, candle):
        for cb in self._callbacks:
            res = cb(candle)
            if asyncio.iscoroutine(res):
                asyncio.create_task(res)
"""

SOURCE = PUBLISH + """
    def reset(self, tracker):
        result = tracker.reset()
        try:
            if inspect.isawaitable(result):
                loop = asyncio.get_running_loop()
                loop.create_task(result)
        except RuntimeError:
            pass

    def notify(self, handler, event):
        if asyncio.iscoroutinefunction(handler) and event:
            asyncio.create_task(handler(event))
"""


def findings(tmp_path: Path, source: str, preview: bool = False, where: str = "custom_components/feed/worker.py") -> list[str]:
    # (An integration is an application: every callback registered is the project's own.)
    return tree_findings(tmp_path, {where: source}, "TRD3", preview=preview)


def test_a_tested_callback_result_is_preview_only(tmp_path: Path) -> None:
    assert findings(tmp_path, SOURCE) == []


def test_preview_reports_each(tmp_path: Path) -> None:
    assert findings(tmp_path, SOURCE, preview=True) == [
        DISCARDED.format(16, 17, "asyncio.create_task"),
        DISCARDED.format(23, 17, "loop.create_task"),
        DISCARDED.format(29, 13, "asyncio.create_task"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "column"),
    [
        # A coroutine the code calls itself is a coroutine, whatever else is tested.
        ("            res = cb(candle)\n            if asyncio.iscoroutine(res):\n                asyncio.create_task(res)\n",
         "            res = cb(candle)\n            if asyncio.iscoroutine(res):\n                asyncio.create_task(self.flush(candle))\n\n"
         "    async def flush(self, candle):\n        await asyncio.sleep(0)\n", 16, 17),
        # A test of another value says nothing of this one.
        ("            if asyncio.iscoroutine(res):\n", "            if asyncio.iscoroutine(candle):\n", 16, 17),
        # The creation on the other branch of the test.
        ("            if asyncio.iscoroutine(res):\n                asyncio.create_task(res)\n",
         "            if not asyncio.iscoroutine(res):\n                return\n            asyncio.create_task(res)\n", 17, 13),
    ],
)
def test_twins_are_reported(tmp_path: Path, old: str, new: str, line: int, column: int) -> None:
    assert old in PUBLISH
    assert findings(tmp_path, PUBLISH.replace(old, new)) == [DISCARDED.format(line, column, "asyncio.create_task")]


def test_a_library_reports_it(tmp_path: Path) -> None:
    # (A library's users register their own coroutines: ``pyproject.toml`` makes it one.)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'feed'\n")
    assert findings(tmp_path, PUBLISH, where="feed/worker.py") == [DISCARDED.format(16, 17, "asyncio.create_task")]
