"""Issue 30, session 41: walks the check did not need, counted through hooks, never timed.

TRD303's late cancels walked every method of every class for a stored task (a class with no
task-maker call in its lines keeps none), and the resource model's released elements walked every
function of a module, and each nested one again, for ``c[key] = value`` stores.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests.trees import write
from tradelint.facts.context import ModuleInfo, Project
from tradelint.models.resources import released_elements
from tradelint.models.tasks import late_cancels


def _module(tmp_path: Path, source: str) -> ModuleInfo:
    path = write(tmp_path / "mod.py", source)
    return ModuleInfo(path, ast.parse(source), Project(), source)


LATE = """\
import asyncio


class Plain:
    def __init__(self):
        self.items = {}

    async def close(self):
        await self.conn.close()


class Reader:
    def start(self):
        self._reader = asyncio.create_task(self._run())

    async def close(self):
        await self._ws.close()
        self._reader.cancel()
"""


def test_a_class_without_a_task_maker_is_not_walked_for_stored_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[list[str]] = []
    real = late_cancels._stored_tasks

    def counting(methods: Any) -> Any:
        walked.append([m.name for m in methods])
        return real(methods)

    monkeypatch.setattr(late_cancels, "_stored_tasks", counting)
    found = list(late_cancels.cancelled_late(_module(tmp_path, LATE)))
    assert walked == [["start", "close"]]  # ``Reader`` only
    assert [(c.name, c.cls.name, c.ender) for c in found] == [("_reader", "Reader", "close")]


def test_a_module_without_a_task_maker_walks_no_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(late_cancels, "_stored_tasks", lambda methods: pytest.fail("walked"))
    assert list(late_cancels.cancelled_late(_module(tmp_path, LATE.split("class Reader")[0]))) == []


STORES = """\
CLIENTS = {}


def add(key):
    def make():
        CLIENTS[key] = Client()
    make()


def plain():
    return len(CLIENTS)


async def close_all():
    for client in CLIENTS.values():
        await client.close()
"""


def test_only_functions_with_a_store_of_their_own_are_searched(tmp_path: Path) -> None:
    module = _module(tmp_path, STORES)
    # ``make`` holds the store; ``add`` around it, ``plain`` and ``close_all`` none of their own.
    assert [f.name for f in released_elements._storing_functions(module)] == ["make"]
    stores = released_elements.released_element_stores(module, set())
    assert [(call.lineno, spec.close) for call, spec in stores] == [(6, "close")]
