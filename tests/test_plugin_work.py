"""What the flake8 plugin's checks leave undone (issue 30 point 5): work that cannot change a
finding is skipped, counted through hooks, never timed."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.trees import configs_for, write
from tradelint import api
from tradelint.core.config import clear_cache
from tradelint.facts import context
from tradelint.facts.context import ModuleInfo, Project
from tradelint.models.tasks import fixes as task_fixes
from tradelint.models.tasks import siblings


@pytest.fixture(autouse=True)
def _fresh_host() -> Iterator[None]:
    clear_cache()
    api._HOSTED.clear()
    api._HOSTED_DEMAND.clear()
    yield
    api._HOSTED.clear()
    api._HOSTED_DEMAND.clear()


def _module(tmp_path: Path, source: str) -> ModuleInfo:
    path = write(tmp_path / "mod.py", source)
    return ModuleInfo(path, ast.parse(source), Project(), source)


ONE_TASK_EACH = """\
import asyncio


class Poller:
    def start(self):
        self._task = asyncio.create_task(self._run())

    def stop(self):
        self._task.cancel()


class Pusher:
    def start(self):
        self._push = asyncio.ensure_future(self._run())
"""

TWO_TASKS = """\
import asyncio


class Feed:
    def start(self):
        self._recv = asyncio.create_task(self._recv_loop())
        self._ping = asyncio.create_task(self._ping_loop())

    async def stop(self):
        self._recv.cancel()

    async def status(self):
        return await self._ping
"""


def _stored_tasks_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = siblings._stored_tasks

    def counting(methods: Any) -> Any:
        calls.append(sorted(methods))
        return real(methods)

    monkeypatch.setattr(siblings, "_stored_tasks", counting)
    return calls


def test_a_class_with_fewer_than_two_task_makers_in_its_lines_is_not_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _stored_tasks_calls(monkeypatch)
    # Two makers in the module, one in each class: neither class can keep two tasks.
    assert list(siblings.left_by_ender(_module(tmp_path, ONE_TASK_EACH))) == []
    assert calls == []


def test_a_class_with_two_task_makers_is_still_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _stored_tasks_calls(monkeypatch)
    left = list(siblings.left_by_ender(_module(tmp_path, TWO_TASKS)))
    assert calls == [["start", "status", "stop"]]
    assert [(t.name, t.cls.name, t.ender) for t in left] == [("_ping", "Feed", "stop")]


def test_a_hosted_file_without_a_trigger_word_gets_no_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = write(tmp_path / "pkg" / "plain.py", "import os\n\n\ndef f():\n    return os.sep\n")
    write(tmp_path / "pkg" / "__init__.py", "")
    indexed: list[int] = []
    real = context.build_index

    def counting(tree: ast.Module) -> Any:
        indexed.append(1)
        return real(tree)

    monkeypatch.setattr(context, "build_index", counting)
    text = plain.read_text(encoding="utf-8")
    config = configs_for(tmp_path)[plain]
    assert api.check_tree(plain, text, ast.parse(text), config, display="plain.py") == []
    assert indexed == []  # no index, so no rule and no model either
    assert api._HOSTED[0].project.parses == 0


DISCARDED = """\
import asyncio


async def main(coro):
    asyncio.create_task(coro)
"""


def test_a_host_that_shows_no_fixes_is_spared_working_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "app.py", DISCARDED)
    config = configs_for(tmp_path)[path]
    asked: list[int] = []
    real = task_fixes._instance_keeper_fix

    def counting(ctx: Any, call: Any) -> Any:
        asked.append(call.lineno)
        return real(ctx, call)

    monkeypatch.setattr(task_fixes, "_instance_keeper_fix", counting)
    shown = api.check_source(DISCARDED, path, config=config)
    assert [(f.line, f.code, f.fix is not None) for f in shown] == [(5, "TRD301", True)]
    assert asked == [5]
    hosted = api.check_tree(path, DISCARDED, ast.parse(DISCARDED), config, display="app.py")
    # The same finding and message, without the fix flake8 would not show.
    assert [(f.line, f.code, f.message, f.fix) for f in hosted] == [(5, "TRD301", shown[0].message, None)]
    assert asked == [5]


MODELS = """\
import asyncio


async def run(coro):
    await asyncio.create_task(coro)


class Widget:
    def __init__(self):
        self.n = 1
"""

USES_MODELS = """\
import aiohttp
from .models import Widget


async def main():
    widget = Widget()
    async with aiohttp.ClientSession() as session:
        await session.get(widget)
"""


@pytest.mark.parametrize(
    ("order", "parsed", "indexes"),
    [
        # The package's ``__init__`` imports models.py: checked after it, models.py keeps its
        # summary, read from flake8's tree, and user.py's question about ``Widget`` parses nothing.
        (("init", "models", "user"), [], 3),
        # user.py first: models.py is parsed for its summary, and when flake8 hands it over it
        # is checked on that tree, indexed once.
        (("user", "models", "init"), ["models.py"], 3),
    ],
)
def test_a_module_flake8_checks_and_another_file_asks_about_is_parsed_and_indexed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: tuple[str, ...], parsed: list[str], indexes: int
) -> None:
    files = {
        "init": write(tmp_path / "pkg" / "__init__.py", "from .models import Widget\n"),
        "models": write(tmp_path / "pkg" / "models.py", MODELS),
        "user": write(tmp_path / "pkg" / "user.py", USES_MODELS),
    }
    configs = configs_for(tmp_path)
    parses: list[str] = []
    indexed: list[int] = []
    real_parse, real_index = context.parse_module, context.build_index

    def counting_parse(source: Any, filename: str = "<unknown>", **kwargs: Any) -> ast.Module:
        parses.append(Path(filename).name)
        return real_parse(source, filename=filename, **kwargs)

    def counting_index(tree: ast.Module) -> Any:
        indexed.append(1)
        return real_index(tree)

    monkeypatch.setattr(context, "parse_module", counting_parse)
    monkeypatch.setattr(context, "build_index", counting_index)
    found = []
    for name in order:
        path = files[name]
        text = path.read_text(encoding="utf-8")
        found += api.check_tree(path, text, ast.parse(text), configs[path], display=path.name)
    assert found == []
    assert parses == parsed  # parsed by tradelint itself: the trees flake8 hands over are not counted
    assert len(indexed) == indexes  # each of the three files indexed once, none of them twice
    assert api._HOSTED[0].project.handed_on == len(parsed)
