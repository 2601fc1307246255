"""Session 58: a task only read by a call is not handed on (issue 28 point 6).

A call that keeps none of its arguments (``print``, ``repr``, a logger's method: the same
``only_reads_arguments`` the local rule asked since session 36) ends nothing and holds nothing.
A task kept on ``self`` and otherwise never ended was taken as handed on when it was given to
such a call (``logger.info("started %s", self._poller)``), and so was a module's task
(``global _task``). Twins: the same class whose ``stop()`` cancels it (still silent), and the
same call given to a project function that keeps what it is given (still handed on).

A loop over a collection of tasks on ``self`` reaches its elements, and was taken as ending them
whatever it did with each: one that only looks at each (``for t in self._workers:
logger.info(...)``, a status map ``{name: t.done() for name, t in self._jobs.items()}``) ends
none, and the tasks stay in the collection, running. Twins: a loop that cancels each, a
comprehension that collects them for ``gather``, a logged collection that is also cancelled.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

LOGGED_ON_SELF = """\
import asyncio
import logging

logger = logging.getLogger(__name__)


class Poller:
    def __init__(self) -> None:
        self._poller = None

    async def start(self) -> None:
        self._poller = asyncio.create_task(self._poll())
        logger.info("polling in %s", self._poller)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(5)

    async def stop(self) -> None:
        self._stopped = True
"""


def test_task_on_self_only_logged_is_not_handed_on(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LOGGED_ON_SELF, "TRD303") == [
        "12:9 TRD303 `self._poller` is never cancelled or awaited; cancel it in `stop()`",
    ]


def test_task_on_self_given_to_logging_itself_is_not_handed_on(tmp_path: Path) -> None:
    printed = LOGGED_ON_SELF.replace('logger.info("polling in %s", self._poller)', 'logging.warning("%r", self._poller)')
    assert source_findings(tmp_path, printed, "TRD303") == [
        "12:9 TRD303 `self._poller` is never cancelled or awaited; cancel it in `stop()`",
    ]


def test_task_on_self_logged_and_cancelled_at_stop_twin(tmp_path: Path) -> None:
    cancelled = LOGGED_ON_SELF.replace("        self._stopped = True\n", "        self._poller.cancel()\n")
    assert source_findings(tmp_path, cancelled, "TRD303") == []


def test_task_on_self_given_to_a_keeping_call_twin(tmp_path: Path) -> None:
    # A call of the project that may keep what it is given hands the task on, as before.
    kept = LOGGED_ON_SELF.replace(
        'logger.info("polling in %s", self._poller)', "self._registry.register(self._poller)"
    )
    assert source_findings(tmp_path, kept, "TRD303") == []


def test_task_on_self_given_to_a_local_logger_method_twin(tmp_path: Path) -> None:
    # Only a module's own ``logging.getLogger(...)`` is known to keep nothing: a logger-named
    # attribute of some other object (``self.log.info(...)``) may be anything, and still hands on.
    other = LOGGED_ON_SELF.replace('logger.info("polling in %s", self._poller)', 'self.log.info("%s", self._poller)')
    assert source_findings(tmp_path, other, "TRD303") == []


MODULE_TASK = """\
import asyncio
import logging

logger = logging.getLogger(__name__)
_task = None


async def poll() -> None:
    while True:
        await asyncio.sleep(5)


def start() -> None:
    global _task
    _task = asyncio.create_task(poll())
    logger.info("polling in %s", _task)
"""


def _preview_findings(tmp_path: Path, source: str) -> list[str]:
    from tradelint.api import check_paths

    path = tmp_path / "worker.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code}" for f in check_paths([path], select=["TRD302"], preview=True)]


def test_module_task_only_logged_is_not_handed_on(tmp_path: Path) -> None:
    assert _preview_findings(tmp_path, MODULE_TASK) == ["15:5 TRD302"]


def test_module_task_cancelled_somewhere_twin(tmp_path: Path) -> None:
    stopped = MODULE_TASK + "\n\ndef stop() -> None:\n    _task.cancel()\n"
    assert _preview_findings(tmp_path, stopped) == []


WORKERS = """\
import asyncio
import logging

logger = logging.getLogger(__name__)


class Workers:
    def __init__(self) -> None:
        self._workers = []

    async def start(self, n: int) -> None:
        for _ in range(n):
            self._workers.append(asyncio.create_task(self._work()))

    async def _work(self) -> None:
        while True:
            await asyncio.sleep(5)

    async def stop(self) -> None:
        for worker in self._workers:
            logger.info("%s done: %s", worker.get_name(), worker.done())
"""

UNENDED_WORKERS = "13:13 TRD303 tasks in `self._workers` are never cancelled or awaited; end each one in `stop()`"


def test_loop_that_only_looks_at_each_task_ends_none(tmp_path: Path) -> None:
    assert source_findings(tmp_path, WORKERS, "TRD303") == [UNENDED_WORKERS]


def test_collection_only_logged_ends_none(tmp_path: Path) -> None:
    logged = WORKERS.replace(
        '        for worker in self._workers:\n            logger.info("%s done: %s", worker.get_name(), worker.done())\n',
        '        logger.info("workers: %s", self._workers)\n',
    )
    assert source_findings(tmp_path, logged, "TRD303") == [UNENDED_WORKERS]


def test_status_map_over_items_ends_none(tmp_path: Path) -> None:
    jobs = (
        WORKERS.replace("self._workers = []", "self._workers = {}")
        .replace("self._workers.append(asyncio.create_task(self._work()))", "self._workers[_] = asyncio.create_task(self._work())")
        .replace(
            '        for worker in self._workers:\n            logger.info("%s done: %s", worker.get_name(), worker.done())\n',
            '        logger.info("%s", {n: f"{t}" for n, t in self._workers.items() if not t.done()})\n',
        )
    )
    assert source_findings(tmp_path, jobs, "TRD303") == [UNENDED_WORKERS]


def test_loop_that_cancels_each_task_twin(tmp_path: Path) -> None:
    cancels = WORKERS.replace(
        '            logger.info("%s done: %s", worker.get_name(), worker.done())\n',
        '            logger.info("%s done: %s", worker.get_name(), worker.done())\n            worker.cancel()\n',
    )
    assert source_findings(tmp_path, cancels, "TRD303") == []


def test_comprehension_that_collects_the_tasks_for_gather_twin(tmp_path: Path) -> None:
    gathered = WORKERS.replace(
        '        for worker in self._workers:\n            logger.info("%s done: %s", worker.get_name(), worker.done())\n',
        "        await asyncio.gather(*[w for w in self._workers if not w.done()])\n",
    )
    assert source_findings(tmp_path, gathered, "TRD303") == []


def test_logged_collection_also_cancelled_twin(tmp_path: Path) -> None:
    both = WORKERS.replace(
        '            logger.info("%s done: %s", worker.get_name(), worker.done())\n',
        '            logger.info("%s done: %s", worker.get_name(), worker.done())\n'
        "        for worker in self._workers:\n            worker.cancel()\n",
    )
    assert source_findings(tmp_path, both, "TRD303") == []
