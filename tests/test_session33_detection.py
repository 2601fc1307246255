"""Session 33 (issue 28): shapes that round 15's development half (opened once its holdout half
had been scored blind) showed tradelint could not see, each a general rule beside its negative
twin:

- tasks (or resources) kept in a collection held as an element of a collection on ``self``
  (a map of maps: ``self._streams[conn][stream] = task``, ``self._x.setdefault(k, {})[j] = t``)
  are the outer collection's elements: no method reaching them to end them is the same finding
  as for a flat collection (vmagamedov/grpclib ``9ffb2d05``: the stream handler tasks of a lost
  connection were never cancelled); reaching the inner collections (``for streams in
  self._streams.values()``, ``self._streams.pop(conn).values()``) is followed no further and
  counts as ending them.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str, select: str = "TRD3") -> list[str]:
    path = tmp_path / "server.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=[select])]


# --- a map of maps on self -------------------------------------------------------------------------

STREAMS = """\
import asyncio
from collections import defaultdict


class Server:
    def __init__(self):
        self._connections = {}
        self._streams = defaultdict(dict)

    async def _handle(self, stream):
        await asyncio.sleep(1)

    async def _serve(self, protocol, queue):
        while True:
            stream = await queue.get()
            task = asyncio.create_task(self._handle(stream))
            {store}

    def connection_made(self, protocol, queue):
        self._connections[protocol] = asyncio.create_task(self._serve(protocol, queue))

    async def close(self):
        for task in self._connections.values():
            task.cancel()
{end}"""


def _streams(store: str, end: str) -> str:
    return STREAMS.replace("{store}", store).replace("{end}", end)


def test_tasks_in_a_map_of_maps_never_ended(tmp_path: Path) -> None:
    expected = ["16:13 TRD303 tasks in `self._streams` are never cancelled or awaited; end each one in `close()`"]
    assert _check(tmp_path, _streams("self._streams[protocol][stream] = task", "")) == expected
    store = "self._streams.setdefault(protocol, {})[stream] = task"
    assert _check(tmp_path, _streams(store, "")) == expected


def test_tasks_in_a_map_of_maps_ended_through_the_inner_maps_twin(tmp_path: Path) -> None:
    store = "self._streams[protocol][stream] = task"
    loops = "        for streams in self._streams.values():\n            for task in streams.values():\n                task.cancel()\n"
    popped = "        for task in self._streams.pop(None, {}).values():\n            task.cancel()\n"
    indexed = "        for task in self._streams[None].values():\n            task.cancel()\n"
    for end in (loops, popped, indexed):
        assert _check(tmp_path, _streams(store, end)) == [], end


def test_an_inner_map_dropped_ends_nothing(tmp_path: Path) -> None:
    store = "self._streams[protocol][stream] = task"
    dropped = "        del self._streams[None]\n"
    assert _check(tmp_path, _streams(store, dropped)) == [
        "16:13 TRD303 tasks in `self._streams` are never cancelled or awaited; end each one in `close()`"
    ]
