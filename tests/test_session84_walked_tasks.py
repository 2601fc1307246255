"""Session 84: tasks added to a local collection that the function walks only to look at them
(issue 28, point 6). ``tasks.append(asyncio.create_task(poll(x)))`` then ``for t in tasks:
print(t.done())``: the walk looks at each task and ends none, and the collection dies with the
frame, the tasks still running and held by nothing (TRD302, as for a collection the function only
counts). A walk that awaits or cancels each, or hands it on, ends them. One reading of a walk's
element for both families (:mod:`tradelint.facts.walks`)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SOURCE = """\
import asyncio


async def poll(x):
    while True:
        await asyncio.sleep(x)


async def main(xs):
    tasks = []
    for x in xs:
        tasks.append(asyncio.create_task(poll(x)))
    for t in tasks:
        print(t.get_name(), t.done())
    await asyncio.sleep(1)
"""


def test_a_walk_that_only_looks_ends_no_task(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SOURCE, "TRD3") == [
        "12:9 TRD302 tasks in local `tasks` (from `asyncio.create_task(...)`) are never awaited; gather or keep them"]


def test_twin_a_walk_that_cancels_each(tmp_path: Path) -> None:
    source = SOURCE.replace("        print(t.get_name(), t.done())", "        t.cancel()")
    assert source_findings(tmp_path, source, "TRD3") == []


def test_twin_a_walk_that_awaits_each(tmp_path: Path) -> None:
    source = SOURCE.replace("        print(t.get_name(), t.done())", "        await t")
    assert source_findings(tmp_path, source, "TRD3") == []
