"""Session 71: a task a plain class of an integration ends in its own ``close()`` is ended where
the coroutine that makes the instance closes it in a ``finally`` (issue 28 point 5, lifecycles;
false positives of half a of ``benchmarks/heads70.txt``, Dmxsir/ha-reolink-battery's live
stream, whose connection subclasses the device library's connection class).

Three readings, each general:

* the class's end cancels the task through a local (``task = self._heartbeat_task;
  task.cancel()``), as the rule's judge already read it: its ending method is named;
* a class whose bases come from a library other than Home Assistant has no end but its own
  (only Home Assistant's classes are ended by the framework);
* an instance made as a local of a function whose ``finally`` calls its end ends with that
  function, whoever else keeps it, when the name is bound to that one instance.

Twins: the close after the ``try`` instead of in its ``finally``, and the instance made in a
loop, are still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

INIT = '''\
async def async_setup_entry(hass, entry):
    return True


async def async_unload_entry(hass, entry):
    return True
'''

STREAM = '''\
import asyncio

from devicelib.connection import Connection


class LiveConnection(Connection):
    def __init__(self, host):
        self._host = host
        self._loop = asyncio.get_running_loop()
        self._heartbeat_task = None

    def start_heartbeat(self):
        self._heartbeat_task = self._loop.create_task(self._beat())

    async def _beat(self):
        while True:
            await asyncio.sleep(5)

    async def stop_heartbeat(self):
        task = self._heartbeat_task
        self._heartbeat_task = None
        if task is None:
            return
        task.cancel()

    async def close(self):
        await self.stop_heartbeat()


async def stream(host, registry):
    connection: LiveConnection | None = None
    try:
        connection = LiveConnection(host)
        registry.connection = connection
        connection.start_heartbeat()
        await asyncio.sleep(1)
    finally:
        if connection is not None:
            await connection.close()
'''

UNENDED = (
    "stream.py:13:9 TRD303 `self._heartbeat_task` is cancelled in `stop_heartbeat()`, but nothing the entry's unload runs calls it"
)


def _check(tmp_path: Path, stream: str) -> list[str]:
    files = {
        "custom_components/demo/__init__.py": INIT,
        "custom_components/demo/stream.py": stream,
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
    }
    return tree_findings(tmp_path, files, "TRD303")


def test_closed_in_the_finally_of_the_coroutine_that_makes_it(tmp_path: Path) -> None:
    assert _check(tmp_path, STREAM) == []


def test_twin_closed_after_the_try(tmp_path: Path) -> None:
    stream = STREAM.replace(
        "        await asyncio.sleep(1)\n    finally:\n        if connection is not None:\n            await connection.close()\n",
        "        await asyncio.sleep(1)\n    finally:\n        pass\n    await connection.close()\n",
    )
    assert _check(tmp_path, stream) == [UNENDED]


def test_twin_made_in_a_loop(tmp_path: Path) -> None:
    stream = STREAM.replace("        connection = LiveConnection(host)\n", "        for _ in range(2):\n            connection = LiveConnection(host)\n")
    assert _check(tmp_path, stream) == [UNENDED]
