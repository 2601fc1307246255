"""Session 92: a task made only behind a test that a plain function's result is awaitable (issue
28 point 6 and precision: a finding about code an application never runs).

Read on a labelled application (apps72, an arbitrage bot): its scanner's ``stop()`` called each
exchange adapter's ``cancel_ws_tasks()`` and, ``if inspect.isawaitable(result)``, made a task of
the result ("some tests use AsyncMock adapters"). The project's one ``cancel_ws_tasks`` is a plain
method that returns nothing: in the application the test is never true, and TRD301's "task ... is
discarded" described code that never runs (``facts/awaitable_tests.py``, asked by the engine
beside ``uncalled`` and ``under_unpassed_default``).

Twins, each a way the branch can still run: a callback handed in (a listener registry's, as in a
development-pool fix of a Zigbee library, where callers register coroutines); a definition of the
name that is ``async``; one that returns a value; and the same code in a library (a project that
declares a distribution), whose users may give their own adapter.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

ADAPTER = """\
import asyncio


class Adapter:
    def __init__(self) -> None:
        self._tasks: list[asyncio.Task] = []

    {kind}def cancel_ws_tasks(self){returns}:
        for task in self._tasks:
            task.cancel()
        self._tasks.clear(){value}
"""

SCANNER = """\
import asyncio
import inspect


class Scanner:
    def __init__(self, adapters) -> None:
        self._adapters = adapters

    def stop(self) -> None:
        for adapter in self._adapters:
            result = adapter.cancel_ws_tasks()
            if inspect.isawaitable(result):
                loop = asyncio.get_running_loop()
                loop.create_task(result)

    def fire(self, callback) -> None:
        result = callback()
        if asyncio.iscoroutine(result):
            asyncio.create_task(result)
"""

MAIN = """\
from app.adapter import Adapter
from app.scanner import Scanner


async def on_event():
    return None


def main():
    scanner = Scanner([Adapter()])
    scanner.fire(on_event)
    scanner.stop()
"""

DISCARDED = "TRD301 task from `loop.create_task(...)` is discarded; keep it and await or cancel it"
CALLBACK = "scanner.py:19:13 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def _check(tmp_path: Path, adapter: str, marker: tuple[str, str] = ("requirements.txt", "aiohttp\n")) -> list[str]:
    (tmp_path / marker[0]).write_text(marker[1])
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "adapter.py").write_text(adapter)
    (app / "scanner.py").write_text(SCANNER)
    (app / "main.py").write_text(MAIN)
    return sorted(
        f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}"
        for f in check_paths(sorted(app.glob("*.py")), select=["TRD3"])
    )


def _adapter(kind: str = "", returns: str = " -> None", value: str = "") -> str:
    return ADAPTER.format(kind=kind, returns=returns, value=value)


def test_a_task_of_a_plain_method_s_result_behind_an_awaitable_test_is_not_reported(tmp_path: Path) -> None:
    found = _check(tmp_path, _adapter())
    assert not any(DISCARDED in f for f in found)
    assert found == [CALLBACK]


def test_twin_the_callback_handed_in_may_be_a_coroutine_function(tmp_path: Path) -> None:
    assert CALLBACK in _check(tmp_path, _adapter())


def test_twin_an_async_definition_of_the_name(tmp_path: Path) -> None:
    found = _check(tmp_path, _adapter(kind="async "))
    assert [f for f in found if DISCARDED in f] == [f"scanner.py:14:17 {DISCARDED}"]


def test_twin_a_definition_that_returns_a_value(tmp_path: Path) -> None:
    found = _check(tmp_path, _adapter(returns="", value="\n        return self._tasks"))
    assert [f for f in found if DISCARDED in f] == [f"scanner.py:14:17 {DISCARDED}"]


def test_twin_the_same_code_in_a_library(tmp_path: Path) -> None:
    found = _check(tmp_path, _adapter(), marker=("pyproject.toml", "[project]\nname = 'app'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n"))
    assert [f for f in found if DISCARDED in f] == [f"scanner.py:14:17 {DISCARDED}"]
