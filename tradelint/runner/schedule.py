"""The order a bounded run checks its files in: a file whose tree a lookup parsed is checked
while the project still holds that tree.

A run that bounds its memory (``Project.module_budget``) forgets trees between two files. A
file's check parses the first-party modules it asks about (a registry naming the classes of a
thousand modules parses them all); checked in the order given, most of them came much later,
after their trees were forgotten, and were parsed a second time for their own check (10,002 of
the 12,800 files of the scaling benchmark's registry). :func:`held_first` checks such a file next,
as long as its tree is held: no memory is added (the trees are kept anyway, within the budget),
and no file is checked twice or skipped.

The findings of a file do not depend on which files were checked before it (the memos are pure
functions of the source: ``--jobs N`` checks in any order and prints the same), so only the
time changes; callers still report outcomes in the order given.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Callable, Iterator, Sequence, TypeVar

from tradelint.facts.context import Project

T = TypeVar("T")


def held_first(items: Sequence[T], path_of: Callable[[T], Path], project: Project) -> Iterator[T]:
    """Every item once: the next in order, unless a file of a later item was parsed for a lookup
    since and its tree is still held (then that one, the first parsed first). A project that keeps
    every tree (``module_budget`` None) checks in the order given: it parses no file twice.

    The project is asked what was parsed after each item is checked (when the caller asks for the
    next one), so the caller checks each item before taking the next."""
    if project.module_budget is None or len(items) < 2:
        yield from items
        return
    keys = [project.absolute(path_of(item)) for item in items]
    at = {key: i for i, key in enumerate(keys)}
    done = [False] * len(items)
    ready: deque[int] = deque()
    following = 0
    project.parsed_ahead = []
    try:
        for _ in range(len(items)):
            for path in project.parsed_ahead:
                i = at.get(path)
                if i is not None and not done[i]:
                    ready.append(i)
            project.parsed_ahead.clear()
            chosen = None
            while ready:
                i = ready.popleft()
                if not done[i] and project.kept(keys[i]) is not None:
                    chosen = i
                    break
            if chosen is None:
                while done[following]:
                    following += 1
                chosen = following
            done[chosen] = True
            yield items[chosen]
    finally:
        project.parsed_ahead = None
