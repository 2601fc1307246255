"""A module's classes as a family's search walks them (``Family.grow_in``): each class, then its
subclasses after it in the module, and theirs; and what one scan of the module adds to a family,
held as a few classes of that walk (issue 34)."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Iterable, Iterator

from tradelint.models.dataclasses.dataclass_model import ClassModel

Place = tuple[Path, int]


class Forest:
    """A module's classes as ``Family.grow_in`` walks them. A scan adds each class, then its
    subclasses written after it in the module, then theirs (``closure``). When no class has two
    bases among the classes before it, these links form a forest: numbered in a walk of it, what
    a class brings is the run of numbers from its own (``pre``) for ``size`` classes, so a family
    holds what a scan added as a few classes (``Chunk``), not a copy of each member (issue 34: a
    chain of N classes put N - k members in the family of the class at depth k)."""

    def __init__(self, path: Path, models: list[ClassModel], by_base: dict[Place, list[int]],
                 positions: dict[Place, int], earlier: list[bool]) -> None:
        places = [(m.path, m.line) for m in models]
        self.path = path
        self.models = models
        self.positions = positions
        count_ = len(models)
        self.children: list[list[int]] = [[j for j in by_base.get(places[i], ()) if j > i] for i in range(count_)]
        parents = [0] * count_
        for children in self.children:
            for j in children:
                parents[j] += 1
        self.is_forest = all(n <= 1 for n in parents)
        names = [m.name for m in models]
        self.by_name = dict(zip(names, range(count_)))
        self.names_unique = len(self.by_name) == count_
        self.pre = [0] * count_
        self.size = [1] * count_
        self.order: list[int] = []  # positions in the walk's order
        self.earlier_any = [False] * count_  # a class it brings has a subclass before it
        if not self.is_forest:
            return
        for root in range(count_):
            if parents[root]:
                continue
            stack = [root]
            while stack:
                i = stack.pop()
                self.pre[i] = len(self.order)
                self.order.append(i)
                stack.extend(reversed(self.children[i]))
        for i in reversed(self.order):
            self.size[i] = 1 + sum(self.size[j] for j in self.children[i])
            self.earlier_any[i] = earlier[i] or any(self.earlier_any[j] for j in self.children[i])

    def closure(self, starts: Iterable[int]) -> set[int]:
        """The starts and, in turn, their subclasses after them in the module, and theirs."""
        found: set[int] = set()
        stack = list(starts)
        children = self.children
        while stack:
            i = stack.pop()
            if i not in found:
                found.add(i)
                stack.extend(children[i])
        return found

    def roots(self, starts: Iterable[int]) -> list[int]:
        """The starts no other start brings, in the walk's order (a forest only)."""
        pre, size = self.pre, self.size
        found: list[int] = []
        for i in sorted(starts, key=pre.__getitem__):
            if not found or pre[i] >= pre[found[-1]] + size[found[-1]]:
                found.append(i)
        return found


class Chunk:
    """The classes of one module that one scan added to a family: ``roots`` and what each
    brings (``Forest``), found by position without being listed."""

    __slots__ = ("_starts", "forest", "path", "roots", "size")

    def __init__(self, forest: Forest, roots: list[int]) -> None:
        self.forest = forest
        self.roots = roots
        self._starts = [forest.pre[r] for r in roots]
        self.size = sum(forest.size[r] for r in roots)
        self.path = forest.path

    def holds(self, position: int) -> bool:
        pre = self.forest.pre[position]
        i = bisect_right(self._starts, pre) - 1
        return i >= 0 and pre < self._starts[i] + self.forest.size[self.roots[i]]

    def has_place(self, place: Place) -> bool:
        position = self.forest.positions.get(place)
        return position is not None and self.holds(position)

    def has_name(self, name: str) -> bool:
        position = self.forest.by_name.get(name)  # (a module whose classes' names are unique)
        return position is not None and self.holds(position)

    def walked(self) -> Iterator[int]:
        """The positions, in the walk's order."""
        order, size = self.forest.order, self.forest.size
        for start, root in zip(self._starts, self.roots):
            yield from order[start : start + size[root]]

    def positions(self) -> list[int]:
        return sorted(self.walked())

    def models(self) -> list[ClassModel]:
        """The members, in the order of the module (as a scan lists them)."""
        return list(map(self.forest.models.__getitem__, self.positions()))

    def places(self) -> list[Place]:
        return [(m.path, m.line) for m in self.models()]
