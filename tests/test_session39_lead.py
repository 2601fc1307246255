"""Session 39 (the lead): a task ended through ``getattr(self, name)`` in a loop over its name
(Pho3niX90/solis_modbus ``340dffac``: the fix's ``async_stop()`` cancels ``_write_task`` and
``_poll_task`` one by one; the merged rules still reported ``_poll_task`` at the fix)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

POLLER = '''\
import asyncio


class Poller:
    def __init__(self) -> None:
        self._poll_task = None
        self._write_task = None

    async def start(self) -> None:
        self._poll_task = asyncio.create_task(self._poll())
        self._write_task = asyncio.create_task(self._write())

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(1)

    async def _write(self) -> None:
        while True:
            await asyncio.sleep(1)

    async def stop(self) -> None:
        self._write_task.cancel()
        for attr in NAMES:
            task = getattr(self, attr)
            if task is not None:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                setattr(self, attr, None)
'''


def test_a_task_cancelled_through_getattr_in_a_loop_over_its_name_is_ended(tmp_path: Path) -> None:
    source = POLLER.replace("for attr in NAMES:", 'for attr in ("_write_task", "_poll_task"):')
    assert source_findings(tmp_path, source, "TRD3") == []


def test_a_loop_over_other_names_ends_nothing_of_the_task(tmp_path: Path) -> None:
    source = POLLER.replace("for attr in NAMES:", 'for attr in ("_write_task", "_read_task"):')
    assert source_findings(tmp_path, source, "TRD3") == [
        "10:9 TRD303 `self._poll_task` is never cancelled or awaited; cancel it in `stop()`"]


def test_a_loop_variable_bound_again_in_the_body_names_nothing(tmp_path: Path) -> None:
    source = POLLER.replace("for attr in NAMES:", 'for attr in ("_write_task", "_poll_task"):\n            attr = "_read_task"')
    assert source_findings(tmp_path, source, "TRD3") == [
        "10:9 TRD303 `self._poll_task` is never cancelled or awaited; cancel it in `stop()`"]


def test_a_loop_over_a_variable_names_nothing(tmp_path: Path) -> None:
    source = POLLER.replace("for attr in NAMES:", "for attr in self.names:")
    assert source_findings(tmp_path, source, "TRD3") == [
        "10:9 TRD303 `self._poll_task` is never cancelled or awaited; cancel it in `stop()`"]
