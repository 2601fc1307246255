"""Session 45 (issue 30 point 2, memory): what changed is when garbage is freed, never an answer.
Behaviour only, no timing.

A batch run (``Checker(batch=True)``: the runner, the fixer, the flake8 plugin) checks with the
collector paused and freezes what lives on: between two files after a young collection, and in
the middle of a file each time a module is parsed for a lookup (``Project.module_at`` with
``freeze_parsed``), so that no collection walks that tree. Freezing there also froze the file's
analyses made so far, garbage included, and frozen garbage is never collected: a recursive
closure (``def proven(...)`` calling itself, holding a class's ``methods`` dict) is a cycle, and it
kept the methods' nodes alive after the project had forgotten their tree: 163,588 objects at the
end of the whole-corpus check. The young garbage is now collected before such a parse.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Iterator

import pytest

from tradelint.facts.context import Project


class _Held:
    """Something a cycle of garbage holds (a node a closure's cell refers to)."""


@pytest.fixture
def paused_collector() -> Iterator[None]:
    """The collector as a batch run leaves it: disabled, what existed before frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.collect()
        if was_enabled:
            gc.enable()


def _cycle_holding(held: _Held) -> None:
    def visit(depth: int) -> object:  # recursive: the function and its cell refer to each other
        return held if depth == 0 else visit(depth - 1)

    visit(2)


def _module(tmp_path: Path) -> Path:
    path = tmp_path / "other.py"
    path.write_text("class Other:\n    async def close(self):\n        pass\n")
    return path


def test_garbage_made_before_a_lookup_parse_is_not_frozen(tmp_path: Path, paused_collector: None) -> None:
    path = _module(tmp_path)
    project = Project()
    project.freeze_parsed = True
    held = _Held()
    _cycle_holding(held)
    gone = weakref.ref(held)
    del held
    assert gone() is not None  # a cycle: reference counting alone does not free it
    module = project.module_at(path)
    assert module is not None and module.top_level["Other"] is not None
    assert gone() is None  # collected before the parse, not frozen with the tree


def test_what_is_alive_before_a_lookup_parse_stays_alive(tmp_path: Path, paused_collector: None) -> None:
    path = _module(tmp_path)
    project = Project()
    project.freeze_parsed = True
    held = _Held()
    alive = [held]
    alive.append(alive)  # a cycle, still referenced
    gone = weakref.ref(held)
    del held
    assert project.module_at(path) is not None
    assert gone() is alive[0]


def test_a_project_that_does_not_freeze_leaves_the_collector_alone(tmp_path: Path, paused_collector: None) -> None:
    # Outside a batch run (an editor's check, tests) the caller's collector decides.
    path = _module(tmp_path)
    project = Project()
    held = _Held()
    _cycle_holding(held)
    gone = weakref.ref(held)
    del held
    assert project.module_at(path) is not None
    assert gone() is not None
    gc.collect()
    assert gone() is None
