"""A class's lineage (the class and its first-party bases), shared down a chain of classes with
one base each instead of copied (issue 34: a chain of N classes held N^2/2 entries)."""

from __future__ import annotations

from operator import attrgetter
from typing import Iterator, Sequence, cast, overload

from tradelint.models.dataclasses.dataclass_model import ClassModel


class _NameStore:
    """The names of a chain of lineages that extend one another: each name with the length of
    the shortest of them that holds it, and the length of the longest (the one a subclass may
    extend in place)."""

    __slots__ = ("lengths", "tip")

    def __init__(self, lengths: dict[str, int], tip: int) -> None:
        self.lengths = lengths
        self.tip = tip


class Lineage(Sequence[ClassModel]):
    """``lineage``'s answer, not to be changed: a class, then its base's lineage (shared with
    the base, not copied: issue 34, a chain of N classes held N^2/2 entries), or a list of its
    own (several bases). Its names are kept once per chain (``has_name``)."""

    __slots__ = ("_head", "_items", "_length", "_names", "_pure", "_store", "_tail")

    def __init__(self, head: ClassModel, tail: Lineage | None, items: list[ClassModel] | None) -> None:
        self._head = head
        self._tail = tail
        self._items = items
        self._store: _NameStore | None = None
        self._names: set[str] | None = None
        if items is not None:
            self._length = len(items)
            # Every member of a pure lineage has its lineage kept (a walk of one class is its own).
            self._pure = len(items) == 1
        else:
            assert tail is not None
            self._length = tail._length + 1
            self._pure = tail._pure

    @classmethod
    def listed(cls, items: list[ClassModel]) -> Lineage:
        return cls(items[0], None, items)

    def extended(self, model: ClassModel) -> Lineage:
        """``[model, *self]``, sharing this lineage and, when none extended it yet, its names."""
        found = Lineage(model, self, None)
        store = self._store
        if store is not None and store.tip == self._length:
            store.lengths.setdefault(model.name, found._length)
            store.tip = found._length
        else:  # the names of the new lineage, each with the shortest length holding it
            lengths: dict[str, int] = {}
            for i, member in enumerate(found):
                lengths[member.name] = found._length - i
            store = _NameStore(lengths, found._length)
        found._store = store
        return found

    def holds(self, model: ClassModel) -> bool:
        """Whether ``model`` (whose lineage is not kept yet) is a member."""
        return False if self._pure else any(m is model for m in self)

    def has_name(self, name: str) -> bool:
        store = self._store
        if store is not None:
            length = store.lengths.get(name)
            return length is not None and length <= self._length
        if self._names is None:
            self._names = set(map(attrgetter("name"), self))
        return name in self._names

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[ClassModel]:
        node = self
        while node._items is None:
            yield node._head
            assert node._tail is not None
            node = node._tail
        yield from node._items

    @overload
    def __getitem__(self, i: int) -> ClassModel: ...

    @overload
    def __getitem__(self, i: slice) -> list[ClassModel]: ...

    def __getitem__(self, i: int | slice) -> ClassModel | list[ClassModel]:
        if isinstance(i, slice):
            return list(self)[i]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        node = self
        while node._items is None:
            if i == 0:
                return node._head
            assert node._tail is not None
            node, i = node._tail, i - 1
        return node._items[i]


def lineage(model: ClassModel) -> Lineage:
    """The class and its first-party bases: methods of a base see instances of the class too.
    Kept on the model (forgotten with it); shared, not to be changed. A class with one base is
    itself then its base's lineage, unless the walk from the base comes back to it (issue 34: a
    chain of N classes walked each class's ancestors again, the square of N). The lineages of a
    chain are made from its top down, in a loop: a chain thousands deep must not recurse."""
    found = model.lineage_memo
    if found is not None:
        return cast(Lineage, found)
    chain_: list[ClassModel] = [model]
    met = {id(model)}
    current = model
    while True:
        bases = [b for b in current.bases if b is not None]
        if len(bases) != 1 or bases[0] is current or bases[0].lineage_memo is not None:
            break
        if id(bases[0]) in met:
            return _lineage(model)  # a cycle: the recursion as it was (it does not end)
        current = bases[0]
        chain_.append(current)
        met.add(id(current))
    for member in reversed(chain_):
        _lineage(member)
    return cast(Lineage, model.lineage_memo)


def _lineage(model: ClassModel) -> Lineage:
    found = cast("Lineage | None", model.lineage_memo)
    if found is not None:
        return found
    bases = [b for b in model.bases if b is not None]
    if len(bases) == 1 and bases[0] is not model:
        above = _lineage(bases[0])  # (kept by now, but in a cycle)
        if not above.holds(model):
            found = above.extended(model)
    if found is None:
        found = Lineage.listed(_walk_lineage(model))
    model.lineage_memo = found
    return found


def _walk_lineage(model: ClassModel) -> list[ClassModel]:
    seen: list[ClassModel] = []
    met: set[int] = set()
    stack = [model]
    while stack:
        current = stack.pop()
        if id(current) in met:
            continue
        met.add(id(current))
        seen.append(current)
        stack.extend(b for b in current.bases if b is not None)
    return seen
