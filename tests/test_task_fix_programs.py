"""TRD3xx fixes proven by programs: each misbehaves before ``tradelint --fix`` (a task destroyed
while pending, a task left running after ``stop()``) and behaves after it, stays ``mypy --strict``
clean, and never gets a fix that could fail (a wrapper that returns None in some mode)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.programs import copy_program, mypy_cache_for, run_python

PROGRAMS = ROOT / "tests" / "data" / "task_programs"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd)


def _copy(name: str, tmp_path: Path) -> Path:
    return copy_program(PROGRAMS / name, tmp_path)
DESTROYED = "Task was destroyed but it is pending!"


def _fix(program: Path, *flags: str) -> str:
    fixed = _run(["-m", "tradelint", "--fix", "--output-format", "concise", *flags, "."], program)
    assert fixed.returncode in (0, 1), fixed.stdout + fixed.stderr
    return fixed.stdout


def _mypy_strict(program: Path) -> str:
    checked = _run(["-m", "mypy", "--strict", "--cache-dir", str(mypy_cache_for(program)), "."], program)
    return checked.stdout


def test_wrapper_returning_none_is_never_wrapped(tmp_path: Path) -> None:
    program = _copy("wrapper_none", tmp_path)
    before = _run(["main.py"], program)
    assert before.stdout == "ran inline\n"
    assert DESTROYED in before.stderr  # the task ``spawn`` returned was collected mid-run
    out = _fix(program)
    # ``spawn`` returns a task on every path: wrapped. ``maybe_spawn`` may return None: the finding
    # stays, without a fix (``_keep_task(None)`` would raise AttributeError).
    assert re.search(r"main\.py:44:5: TRD301 task from `maybe_spawn\(\.\.\.\)` is discarded", out)
    assert "fixed 1 finding, 1 remaining (none fixable)" in out
    text = (program / "main.py").read_text(encoding="utf-8")
    assert "    _keep_task(spawn(listen(\"spawned\")))\n    maybe_spawn(listen(\"maybe\"))\n" in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "ran inline\nspawned got tick\n", "")


def test_a_task_that_calls_stop_is_not_cancelled_by_it(tmp_path: Path) -> None:
    program = _copy("stops_itself", tmp_path)
    assert _mypy_strict(program).startswith("Success")
    before = _run(["main.py"], program)
    assert before.stdout == "a: stream ended\na: closed\nb: closed\npending after stop: 1\n"
    assert DESTROYED in before.stderr
    # Cancelling the task at ``stop()`` changes what ``stop()`` does: an unsafe fix.
    assert "fixed 0 findings, 1 remaining (1 fixable with `--fix --unsafe-fixes`)" in _fix(program)
    assert "fixed 1 finding, 0 remaining" in _fix(program, "--unsafe-fixes")
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (
        0,
        "a: stream ended\na: closed\nb: closed\npending after stop: 0\n",
        "",
    )
    assert _mypy_strict(program).startswith("Success")
    # Without the guard, the task that calls ``stop()`` cancels itself there: "a: closed" is lost.
    fixed = (program / "main.py").read_text(encoding="utf-8")
    guard = "if task is not None and task is not current\n"
    assert guard in fixed
    assert '        if getattr(self, "_task", None) is not None:\n            await self._end_tasks(self._task)\n' in fixed
    (program / "main.py").write_text(fixed.replace(guard, "if task is not None\n"), encoding="utf-8")
    unguarded = _run(["main.py"], program)
    assert unguarded.stdout.startswith("a: stream ended\nb: closed\n")


def test_inserted_names_never_collide(tmp_path: Path) -> None:
    program = _copy("collisions", tmp_path)
    assert _mypy_strict(program).startswith("Success")
    before = _run(["main.py"], program)
    assert "discarded got tick" not in before.stdout and DESTROYED in before.stderr
    assert "fixed 2 findings, 0 remaining" in _fix(program)
    text = (program / "main.py").read_text(encoding="utf-8")
    assert "    _keep_task_2(asyncio.create_task(listen(\"discarded\")))\n" in text
    assert "    local = _keep_task_2(asyncio.create_task(listen(\"local\")))\n" in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stderr) == (0, "")
    assert after.stdout == (
        "kept label\ndiscarded got tick\nlocal got tick\nlistener finished\nbackground: ['not', 'a', 'set']\n"
    )
    assert _mypy_strict(program).startswith("Success")
    original = (PROGRAMS / "collisions" / "main.py").read_text(encoding="utf-8").splitlines()
    assert all(len(line) <= 79 for line in text.splitlines() if line not in original)
    assert "fixed 0 findings, 0 remaining" in _fix(program)  # fixing again changes nothing


def test_docstring_and_future_import_stay_first(tmp_path: Path) -> None:
    program = _copy("future_docstring", tmp_path)
    assert _mypy_strict(program).startswith("Success")
    before = _run(["main.py"], program)
    assert DESTROYED in before.stderr
    assert "fixed 1 finding, 0 remaining" in _fix(program)
    text = (program / "main.py").read_text(encoding="utf-8")
    assert text.startswith(
        '"""Keeps its docstring first and its ``__future__`` import right after it."""\n\n'
        "from __future__ import annotations\n\nimport asyncio\n"
    )
    compile(text, "main.py", "exec")
    after = _run(["main.py"], program)
    assert (after.returncode, after.stderr) == (0, "")
    assert after.stdout == (
        "discarded got tick\ndoc: Keeps its docstring first and its ``__future__`` import right after it.\n"
    )
    assert _mypy_strict(program).startswith("Success")


def test_the_configured_keeper_is_imported_not_copied(tmp_path: Path) -> None:
    program = _copy("configured_keeper", tmp_path)
    before = _run(["main.py"], program)
    assert before.stdout == "" and DESTROYED in before.stderr
    assert "fixed 1 finding, 0 remaining" in _fix(program)
    worker = (program / "app" / "worker.py").read_text(encoding="utf-8")
    assert "from app.tasks import keep\n" in worker
    assert "    keep(asyncio.create_task(listen(\"worker\")))\n" in worker
    assert "def _keep_task" not in worker
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "kept by app.tasks.keep\nworker got tick\n", "")
    assert _mypy_strict(program).startswith("Success")


def test_a_package_without_configuration_uses_the_project_keeper(tmp_path: Path) -> None:
    """Issue 29: ``app.tasks.keep`` holds the task in a module-level set and discards it when
    done, and ``app.tasks`` imports nothing first party: found from its definition, imported."""
    program = _copy("configured_keeper", tmp_path)
    (program / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    assert "fixed 1 finding, 0 remaining" in _fix(program)
    worker = (program / "app" / "worker.py").read_text(encoding="utf-8")
    assert "import weakref\n\nfrom app.tasks import keep\n" in worker
    assert "    keep(asyncio.create_task(listen(\"worker\")))\n" in worker and "_keep_task" not in worker
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "kept by app.tasks.keep\nworker got tick\n", "")
    assert _mypy_strict(program).startswith("Success")


@pytest.mark.parametrize("value", ["keep", "app..keep", "app.tasks.1keep", 3, "", " "])
def test_task_keeper_is_validated(tmp_path: Path, value: object) -> None:
    toml = f"task-keeper = {value!r}".replace("'", '"') if isinstance(value, str) else f"task-keeper = {value}"
    (tmp_path / "pyproject.toml").write_text(f"[tool.tradelint]\n{toml}\n", encoding="utf-8")
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    result = _run(["-m", "tradelint", "."], tmp_path)
    assert result.returncode == 2
    assert "key 'task-keeper': expected the dotted name of a function, like 'myapp.tasks.keep_task'" in result.stderr


def test_a_configured_keeper_that_does_not_exist_is_a_configuration_error(tmp_path: Path) -> None:
    program = _copy("configured_keeper", tmp_path)
    for value, problem in (
        ("app.tasks.hold", "defines no top-level 'hold'"),
        ("app.missing.keep", "no module 'app.missing' in the project"),
    ):
        (program / "pyproject.toml").write_text(f'[tool.tradelint]\ntask-keeper = "{value}"\n', encoding="utf-8")
        result = _run(["-m", "tradelint", "--fix", "."], program)
        assert result.returncode == 2 and result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "key 'task-keeper'" in lines[0] and problem in lines[0], result.stderr
    assert "_keep_task" not in (program / "app" / "worker.py").read_text(encoding="utf-8")


def _ruff_imports(program: Path) -> subprocess.CompletedProcess[str]:
    ruff = Path(sys.executable).with_name("ruff")  # the test extras install it beside Python
    assert ruff.exists(), f"ruff is not installed beside {sys.executable}: install the test extras"
    return subprocess.run(
        [str(ruff), "check", "--select", "I", "--isolated", "--no-cache", "."],
        cwd=program, capture_output=True, text=True, check=False,
    )


def test_a_package_module_gets_its_own_keeper_without_configuration(tmp_path: Path) -> None:
    """Issue 29: a discarded task and a local held only by a callback, in a module of a package
    with no ``task-keeper``: asyncio's documented keeper is written into the module, once, where
    isort puts things (ruff I001 stays clean), and both tasks now run to the end."""
    program = _copy("package_keeper", tmp_path)
    assert _mypy_strict(program).startswith("Success")
    assert _ruff_imports(program).returncode == 0
    before = _run(["main.py"], program)
    assert "[discarded] got tick" not in before.stdout and DESTROYED in before.stderr
    assert "fixed 2 findings, 0 remaining" in _fix(program)
    worker = (program / "bot" / "worker.py").read_text(encoding="utf-8")
    assert "import weakref\nfrom typing import Any, Callable, TypeVar\n\nfrom bot.util import label\n\n_TaskT" in worker
    assert worker.count("def _keep_task") == 1
    assert "    _keep_task(asyncio.create_task(listen(\"discarded\")))\n" in worker
    after = _run(["main.py"], program)
    assert (after.returncode, after.stderr) == (0, "")
    assert sorted(after.stdout.splitlines()) == ["[discarded] got tick", "[local] got tick", "done: local"]
    assert _mypy_strict(program).startswith("Success")
    assert _ruff_imports(program).returncode == 0, _ruff_imports(program).stdout
    assert "fixed 0 findings, 0 remaining" in _fix(program)  # stable: nothing to fix again
    assert (program / "bot" / "worker.py").read_text(encoding="utf-8") == worker


def test_a_package_keeper_found_by_its_definition_is_imported(tmp_path: Path) -> None:
    """``bot.background.retain`` keeps tasks in a module-level set until done, whatever its
    name: the fix imports it, in the first-party section, instead of writing a keeper."""
    program = _copy("package_found_keeper", tmp_path)
    before = _run(["main.py"], program)
    assert before.stdout == "" and DESTROYED in before.stderr
    assert "fixed 1 finding, 0 remaining" in _fix(program)
    worker = (program / "bot" / "worker.py").read_text(encoding="utf-8")
    assert "import weakref\n\nfrom bot.background import retain\nfrom bot.util import label\n" in worker
    assert "    retain(asyncio.create_task(listen(\"discarded\")))\n" in worker and "_keep_task" not in worker
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "[discarded] got tick\n", "")
    assert _mypy_strict(program).startswith("Success")
    assert _ruff_imports(program).returncode == 0
    assert "fixed 0 findings, 0 remaining" in _fix(program)


# Issue 29: a task is ended only where its owner's life ends, and ending drains before it cancels.

ENDER = (
    '    async def _end_tasks(self, *more: "asyncio.Future[Any] | None") -> None:\n'
    '        """Let the tasks finish for {seconds} s, cancel the rest, report errors."""\n'
    "        current = asyncio.current_task()\n"
    "        tasks = {{\n"
    "            task\n"
    '            for task in (*getattr(self, "_background_tasks", ()), *more)\n'
    "            if task is not None and task is not current\n"
    "        }}\n"
    "        if not tasks:\n"
    "            return\n"
    "        _, late = await asyncio.wait(tasks, timeout={seconds})\n"
    "        for task in late:\n"
    "            task.cancel()\n"
    "        if late:\n"
    "            await asyncio.wait(late)\n"
    "        loop = asyncio.get_running_loop()\n"
    "        for task in tasks:\n"
    "            if not task.cancelled() and task.exception() is not None:\n"
    "                loop.call_exception_handler(\n"
    '                    {{"message": "task failed", "exception": task.exception(),\n'
    '                     "future": task}}\n'
    "                )\n"
)


def _prove(name: str, tmp_path: Path, before: str, after: str, summary: str) -> str:
    """Run the program, fix it (unsafe fixes too), run it again, fix again: the fixed text."""
    program = _copy(name, tmp_path)
    assert _mypy_strict(program).startswith("Success")
    ran = _run(["main.py"], program)
    assert ran.stdout == before
    out = _fix(program, "--unsafe-fixes")
    assert summary in out, out
    ran = _run(["main.py"], program)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, after, "")
    assert "fixed 0 findings, 0 remaining" in _fix(program, "--unsafe-fixes")  # stable
    assert _mypy_strict(program).startswith("Success")
    return (program / "main.py").read_text(encoding="utf-8")


def test_a_restart_does_not_cancel_what_start_began(tmp_path: Path) -> None:
    # ``restart()`` calls ``stop()`` and goes on: ``stop()`` is no end of life, so the task is not
    # held on the feed and cancelled there (which would lose generation 1's announcement); the
    # module's own keeper holds it instead.
    program = _copy("restart_keeps_work", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove("restart_keeps_work", tmp_path / "b", "", (
        "quotes generation 1: subscribed\nquotes generation 2: subscribed\n"
    ), "fixed 1 finding, 0 remaining")
    assert "        _keep_task(asyncio.create_task(announce(label)))\n" in text
    assert "_end_tasks" not in text


def test_a_restart_leaves_the_finding_without_a_fix_and_says_why(tmp_path: Path) -> None:
    program = _copy("restart_keeps_work", tmp_path)
    (program / "main.py").write_text(
        (program / "main.py").read_text(encoding="utf-8").replace(
            "        asyncio.create_task(announce(label))", "        self._task = asyncio.create_task(announce(label))"
        ),
        encoding="utf-8",
    )
    out = _run(["-m", "tradelint", "--select", "TRD303", "."], program).stdout
    assert "TRD303 `self._task` is never cancelled or awaited" in out
    assert "= help: no fix: `restart()` calls `stop()` and goes on: `stop()` is not the end of a `Feed`" in out
    assert "[*" not in out


def test_a_stream_lets_its_bookkeeping_finish_at_aclose(tmp_path: Path) -> None:
    # Before: the acknowledgements are cancelled when the program ends (lost work); a fix that
    # cancelled them in ``aclose()`` would lose them too. The ender lets them finish first.
    text = _prove(
        "stream_bookkeeping",
        tmp_path,
        "got 1\ngot 2\ngot 3\nstream closed\n",
        "got 1\ngot 2\ngot 3\nacked 1\nacked 2\nacked 3\nstream closed\n",
        "fixed 1 finding, 0 remaining",
    )
    assert "        self._keep_task(asyncio.create_task(self._ack(self._sent)))\n" in text
    assert '    async def aclose(self) -> None:\n        await self._end_tasks()\n        print("stream closed")\n' in text
    assert ENDER.format(seconds=5) in text


def test_an_exporter_close_drains_the_batch_in_flight(tmp_path: Path) -> None:
    text = _prove(
        "exporter_drains",
        tmp_path,
        "exporter closed\n",
        "exported ['login', 'order', 'logout']\nexporter closed\n",
        "fixed 1 finding, 0 remaining",
    )
    assert "from typing import Any, List, Optional\n" in text  # merged and sorted as ruff I would
    assert (
        "    async def close(self) -> None:\n"
        "        await self._end_tasks(self._flush_task)\n"
        '        print("exporter closed")\n\n' + ENDER.format(seconds=5)
    ) in text
    # ``log()`` looks at the old task before it stores a new one: nothing is cancelled there.
    assert ".cancel()" not in text.split("async def _flush")[0]


def test_a_short_lived_span_does_not_cancel_its_tracers_work(tmp_path: Path) -> None:
    program = _copy("span_borrowed", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove(
        "span_borrowed",
        tmp_path / "b",
        "",
        "exported GET /orders start: ok\nexported GET /orders end: ok\n",
        "fixed 1 finding, 0 remaining",
    )
    assert '        _keep_task(asyncio.create_task(self._tracer.export(f"{self.name} {what}")))\n' in text
    assert "_end_tasks" not in text


def test_an_api_call_close_is_no_teardown(tmp_path: Path) -> None:
    program = _copy("api_close", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove(
        "api_close",
        tmp_path / "b",
        "sent: ['open', 'close']\n",
        "fill: position closed\nsent: ['open', 'close']\n",
        "fixed 1 finding, 0 remaining",
    )
    assert "        _keep_task(asyncio.create_task(self._watch_fills()))\n" in text
    assert "_end_tasks" not in text


def test_a_class_with_its_own_task_set_gets_the_task_added_to_it(tmp_path: Path) -> None:
    program = _copy("own_task_set", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove(
        "own_task_set",
        tmp_path / "b",
        "hub stopped\npending after stop: 1\n",
        "hub stopped\npending after stop: 0\n",
        "fixed 1 finding, 0 remaining",
    )
    original = (PROGRAMS / "own_task_set" / "main.py").read_text(encoding="utf-8")
    assert text == original.replace(
        '        asyncio.create_task(self._pump("trades"))', '        self._tasks.add(asyncio.create_task(self._pump("trades")))'
    )


def test_a_replaced_reader_is_cancelled_and_the_last_one_ended(tmp_path: Path) -> None:
    program = _copy("replaced_reader", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove(
        "replaced_reader",
        tmp_path / "b",
        "readers while connected: 2\nclosed after 2 connections\nreaders after close: 2\n",
        "readers while connected: 1\nclosed after 2 connections\nreaders after close: 0\n",
        "fixed 1 finding, 0 remaining",
    )
    assert (
        "        self.connections += 1\n"
        "        if self._reader is not None:\n"
        "            self._reader.cancel()\n"
        "        self._reader = asyncio.create_task(self._read(self.connections))\n"
    ) in text
    # ``task-drain-seconds = 0.2`` in the program's configuration: a reader never ends by itself.
    assert "        await self._end_tasks(self._reader)\n" in text and ENDER.format(seconds=0.2) in text


@pytest.mark.parametrize("value", ["5", -1, 3601, "true", "nan"])
def test_task_drain_seconds_is_validated(tmp_path: Path, value: object) -> None:
    toml = {"5": '"5"', "true": "true", "nan": "nan"}.get(str(value), str(value))
    (tmp_path / "pyproject.toml").write_text(f"[tool.tradelint]\ntask-drain-seconds = {toml}\n", encoding="utf-8")
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    result = _run(["-m", "tradelint", "."], tmp_path)
    assert result.returncode == 2
    assert "key 'task-drain-seconds': expected a number of seconds from 0 to 3600, like 5" in result.stderr


STRICT_LIST = '''\
import asyncio
from typing import List


class Dispatcher:
    def __init__(self) -> None:
        self._workers: List["asyncio.Task[None]"] = []

    async def start(self) -> None:
        self._workers.append(asyncio.create_task(self._work()))

    async def _work(self) -> None:
        await asyncio.sleep(0)

    async def _remove(self, name: str) -> None:
        raise ValueError(name)  # by design: the caller is told only through the log

    def remove(self, name: str) -> None:
        asyncio.create_task(self._remove(name))

    async def stop(self) -> None:
        for worker in self._workers:
            {ending}
        self._workers.clear()
'''


@pytest.mark.parametrize(
    ("ending", "held"),
    [
        # Each awaited in turn: a failed task raises into stop() and ends the shutdown half-way.
        ("await worker", "        _keep_task(asyncio.create_task(self._remove(name)))\n"),
        # Cancelled: a failure cannot stop the loop, the class's own list holds the task.
        ("worker.cancel()", "        self._workers.append(asyncio.create_task(self._remove(name)))\n"),
    ],
    ids=["awaited-in-turn", "cancelled"],
)
def test_a_task_joins_the_classs_own_list_only_if_its_ending_survives_a_failure(
    tmp_path: Path, ending: str, held: str
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "dispatcher.py").write_text(STRICT_LIST.format(ending=ending), encoding="utf-8")
    _fix(tmp_path, "--unsafe-fixes")
    assert held in (tmp_path / "pkg" / "dispatcher.py").read_text(encoding="utf-8")


def test_a_reconnect_loop_cancels_the_reader_it_replaces(tmp_path: Path) -> None:
    # TRD305: ``close()`` ends the reader it holds, but ``run()`` stores a new one over it on
    # each reconnect: two readers outlive ``close()`` and are destroyed pending.
    program = _copy("reconnect_readers", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove(
        "reconnect_readers",
        tmp_path / "b",
        "readers after 3 connections: 3\nreaders after close: 2\n",
        "readers after 3 connections: 1\nreaders after close: 0\n",
        "fixed 1 finding, 0 remaining",
    )
    assert (
        "        self.connections += 1\n"
        "        if self._reader is not None:\n"
        "            self._reader.cancel()\n"
        "        self._reader = asyncio.create_task(self._read())\n"
    ) in text


def test_resubscribing_cancels_each_symbols_old_poller(tmp_path: Path) -> None:
    # TRD305 on a keyed store: ``on_reconnect()`` subscribes every symbol already there again.
    program = _copy("resubscribed_pollers", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    out = _run(["-m", "tradelint", "--output-format", "concise", "--no-cache", "."], program).stdout
    assert out.splitlines()[0] == (
        "main.py:18:9: TRD305 [*unsafe] `self._pollers[...]` is stored over a task that still runs;"
        " cancel the old one first"
    )
    text = _prove(
        "resubscribed_pollers",
        tmp_path / "b",
        "pollers after two reconnects: 6\npollers after close: 4\n",
        "pollers after two reconnects: 2\npollers after close: 0\n",
        "fixed 1 finding, 0 remaining",
    )
    assert (
        "    async def subscribe(self, symbol: str) -> None:\n"
        "        if symbol in self._pollers:\n"
        "            self._pollers[symbol].cancel()\n"
        "        self._pollers[symbol] = asyncio.create_task(self._poll(symbol))\n"
    ) in text


def test_keyed_pollers_never_ended_are_replaced_and_ended_at_close(tmp_path: Path) -> None:
    # TRD303 on a dict of tasks that nothing ends: ``close()`` (the end of the service's life)
    # drains and cancels every poller, and subscribing again cancels the symbol's old one.
    program = _copy("keyed_pollers", tmp_path)
    assert DESTROYED in _run(["main.py"], program).stderr
    text = _prove(
        "keyed_pollers",
        tmp_path / "b",
        "pollers while subscribed: 3\nclosing with 2 symbols\npollers after close: 3\n",
        "pollers while subscribed: 2\nclosing with 2 symbols\npollers after close: 0\n",
        "fixed 1 finding, 0 remaining",
    )
    assert (
        "        if symbol in self._pollers:\n"
        "            self._pollers[symbol].cancel()\n"
        "        self._pollers[symbol] = asyncio.create_task(self._poll(symbol))\n"
    ) in text
    assert "    async def close(self) -> None:\n        await self._end_tasks(*self._pollers.values())\n" in text
    assert ENDER.format(seconds=0.2) in text


def test_a_discarded_gather_and_an_aliased_creator_keep_their_tasks_after_the_fix(tmp_path: Path) -> None:
    program = _copy("gathered_aliases", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "")  # every listener collected before its tick
    assert DESTROYED in before.stderr
    out = _fix(program)
    assert "fixed 2 findings, 0 remaining." in out
    text = (program / "main.py").read_text(encoding="utf-8")
    assert '    _keep_task(asyncio.gather(listen("first"), listen("second")))\n' in text
    assert '    _keep_task(spawn(listen("spawned")))\n' in text
    assert _mypy_strict(program).startswith("Success")
    after = _run(["main.py"], program)
    assert (after.returncode, after.stderr) == (0, "")
    # The weak set's order is the futures' ids': which listener prints first varies.
    assert sorted(after.stdout.splitlines()) == ["first got tick", "second got tick", "spawned got tick"]


def test_a_task_kept_only_in_a_weak_set_is_held_and_drained_at_aclose(tmp_path: Path) -> None:
    # ``task = loop.create_task(...); logger.debug(...); self._tasks.add(task)`` into a WeakSet:
    # the worker is collected before its tick; after the fix the group holds it strongly and
    # ``aclose()`` lets it finish before cancelling what is left.
    program = _copy("weak_group", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "group closed\n")
    assert DESTROYED in before.stderr
    text = _prove("weak_group", tmp_path / "b", "group closed\n", "prices got tick\ngroup closed\n", "fixed 1 finding, 0 remaining")
    assert "        task = self._keep_task(asyncio.get_running_loop().create_task(coro))\n" in text
    assert "    async def aclose(self) -> None:\n        await self._end_tasks()\n" in text
