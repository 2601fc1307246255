"""Session 58: a task only read by a call is not handed on (issue 28 point 6).

A call that keeps none of its arguments (``print``, ``repr``, a logger's method: the same
``only_reads_arguments`` the local rule asked since session 36) ends nothing and holds nothing.
A task kept on ``self`` and otherwise never ended was taken as handed on when it was given to
such a call (``logger.info("started %s", self._poller)``), and so was a module's task
(``global _task``). Twins: the same class whose ``stop()`` cancels it (still silent), and the
same call given to a project function that keeps what it is given (still handed on).
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
