"""A class family as its field-use search grows it (``Family``), and which of its members answer
for a field (``answering``): what one scan of a module adds is held as a ``Chunk`` of the
module's walk when it can be, not as a list of its members (issue 34: in a chain of N classes
the class at depth k has N - k members)."""

from __future__ import annotations

import ast
from itertools import chain, compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Iterable, Iterator, cast

from tradelint.facts.context import ModuleInfo
from tradelint.models.dataclasses.dataclass_model import ClassModel
from tradelint.models.dataclasses.family_index import Resolutions, WordIndex, indexable
from tradelint.models.dataclasses.forest import Chunk, Place
from tradelint.models.dataclasses.lineages import Lineage


class Places:
    """A family's places, by path then line: a module's classes join with one hash of its path,
    not one per class (issue 34: a chain of N classes puts N - k classes in the family of the
    class at depth k), or as a ``Chunk``. Iterated in no particular order (a place may come
    twice when one file was read as two trees)."""

    def __init__(self, place: Place) -> None:
        self._lines: dict[Path, set[int]] = {place[0]: {place[1]}}
        self._chunks: dict[Path, list[Chunk]] = {}
        self._count = 1

    def __contains__(self, place: object) -> bool:
        path, line = cast(Place, place)
        lines = self._lines.get(path)
        if lines is not None and line in lines:
            return True
        chunks = self._chunks.get(path)
        return chunks is not None and any(c.has_place((path, line)) for c in chunks)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Place]:
        for path, lines in self._lines.items():
            yield from zip(repeat(path), lines)
        for chunks in self._chunks.values():
            for chunk in chunks:
                yield from chunk.places()

    def join(self, path: Path, lines: Iterable[int]) -> None:
        held = self._lines.setdefault(path, set())
        before = len(held)
        held.update(lines)
        self._count += len(held) - before

    def join_chunk(self, chunk: Chunk) -> None:
        self._chunks.setdefault(chunk.path, []).append(chunk)
        self._count += chunk.size


class Words:
    """The names that find a family's files: its lineage's (kept with the lineage), the chunks'
    (``Chunk``, from a module whose classes' names are unique) and the others. ``version``
    changes when a name joins that was not one of them (``_Search.grow_family`` stops when a
    pass added none)."""

    def __init__(self, line: Lineage | None, first: str | None) -> None:
        self.line = line
        self.explicit: set[str] = set()
        self.chunks: list[Chunk] = []
        self.version = 0
        self._bound = 0 if line is None else len(line)  # at least as many as the distinct names
        if first is not None:
            self.update([first])
        self.version = 0 if line is None and first is None else 1

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return (self.line is not None and self.line.has_name(name)) or name in self.explicit or any(c.has_name(name) for c in self.chunks)

    def update(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self:
                self.explicit.add(name)
                self._bound += 1
                self.version += 1

    def add_chunk(self, chunk: Chunk) -> None:
        # Its names are distinct: more of them than there are words, one at least is new.
        new = chunk.size > self._bound or any(
            self.forest_name(chunk, i) not in self for i in chunk.walked()
        )
        self.chunks.append(chunk)
        self._bound += chunk.size
        if new:
            self.version += 1

    @staticmethod
    def forest_name(chunk: Chunk, position: int) -> str:
        return chunk.forest.models[position].name

    def _all(self) -> set[str]:
        found = set() if self.line is None else set(map(attrgetter("name"), self.line))
        found |= self.explicit
        for chunk in self.chunks:
            found.update(self.forest_name(chunk, i) for i in chunk.walked())
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class Members:
    """``_Search.family``: the class, then the members in the order they joined, a ``Chunk``
    standing for the classes one scan added (listed only when asked)."""

    def __init__(self, model: ClassModel) -> None:
        self.first = model
        self._parts: list[list[ClassModel] | Chunk] = [[model]]

    def extend(self, grown: list[ClassModel] | Chunk) -> None:
        if isinstance(grown, Chunk) or grown:
            self._parts.append(grown)

    def __iter__(self) -> Iterator[ClassModel]:
        for part in self._parts:
            yield from (part.models() if isinstance(part, Chunk) else part)

    def __getitem__(self, i: int) -> ClassModel:
        if i == 0:
            return self.first
        return list(self)[i]

    def __len__(self) -> int:
        return sum(p.size if isinstance(p, Chunk) else len(p) for p in self._parts)


class Family:
    """A class's family as its search grows it: the members' places (``places``), the names that
    find its files (``words``: the members', the lineage's, the aliases'; they only grow) and the
    files of the project's index naming them. What a pass already did is not done again, and
    what a whole run shares is taken from ``Resolutions`` (issue 34: in a chain of N classes the
    class at depth k has N - k members and k ancestors, and each pass over a module looked at
    each member, and asked the index for each name, again; then each search still listed its
    N - k members: what a scan adds in one module is now a ``Chunk`` when it can be)."""

    def __init__(self, resolved: Resolutions, model: ClassModel, line: Lineage, index: WordIndex | None) -> None:
        self.resolved = resolved
        self.index = index
        self.places = Places((model.path, model.line))
        self.joined: list[Place | Chunk] = [(model.path, model.line)]  # in the order they joined
        # By module tree: how much of ``joined`` its scans have seen, the positions of its
        # classes that are members, and those its previous scan added that have a subclass
        # before them in the module; and the chunks of its classes that are members.
        self._scanned: dict[ast.AST, tuple[int, set[int], list[int]]] = {}
        self._chunks: dict[ast.AST, list[Chunk]] = {}
        self.words = Words(line, model.name)  # changed by ``add`` and ``grow_in`` only
        self._named: set[int] = set()
        found = None if index is None else resolved.lineage_files(index, model)
        self._added: list[str] = list(self.words) if found is None else []  # the index not yet asked for
        self._named.update(found or ())
        self._indexable = True

    def add(self, names: list[str]) -> None:
        self.words.update(names)
        self._added.extend(names)

    def grown(self) -> None:
        """The family is grown and its files found: what only that needed is let go (a search
        is kept for the run)."""
        self.joined, self._scanned, self._chunks, self._added = [], {}, {}, []
        self.words = Words(None, None)

    def naming(self) -> list[int] | None:
        """The positions of the index's files naming any of ``words``, in order; None when one
        of them is not a word the index answers for (``indexable``)."""
        added, self._added = set(self._added), []
        self._indexable = self._indexable and indexable(added)
        if not self._indexable or self.index is None:
            return None
        self._named |= self.index.naming(added)
        return sorted(self._named)

    def grow_in(self, module: ModuleInfo) -> list[ClassModel] | Chunk:
        """The classes of ``module`` that join the family, as a scan of the module's classes in
        order adds them (one whose base joins later in the scan waits for the next pass), looking
        only at the subclasses of the members; their names join ``words``.

        A scan adds every subclass of a member wherever it is, then the subclasses after it of
        each class it adds (``Forest.closure``). After a scan, then, the subclasses not yet
        members are those of the places that joined from elsewhere since, and those written
        before a class the scan added: the next scan starts from these alone. What a scan adds
        is a ``Chunk`` when the module's links form a forest, its classes' names are unique, and
        nothing it adds was a member or waits for the next pass."""
        resolved = self.resolved
        models, by_base = resolved.subclasses(module)
        index_of = resolved.class_places(module)
        forest = resolved.forest(module)
        seen, members, pending = self._scanned.get(module.tree, (0, set(), []))
        chunks = self._chunks.setdefault(module.tree, [])
        fresh: list[Place] = []
        for item in self.joined[seen:]:
            if not isinstance(item, Chunk):
                fresh.append(item)
            elif item.path == module.path:
                fresh.extend(item.places())  # (one file read as two trees: its places, listed)
            else:  # its places this module's classes name as bases
                fresh.extend(p for p in resolved.bases_from(module, item.path) if item.has_place(p))
        positions = resolved.class_positions(module)
        members.update(i for i in map(positions.get, fresh) if i is not None)
        keys = [k for k in fresh if k in by_base]
        keys.extend(map(index_of.__getitem__, pending))
        starts = {i for i in chain.from_iterable(map(by_base.__getitem__, keys))
                  if i not in members and not any(c.holds(i) for c in chunks)}
        files = None if self.index is None or not starts else resolved.forward_files(module, self.index)
        if starts and files is not None and forest.is_forest and forest.names_unique:
            roots = forest.roots(starts)
            chunk = Chunk(forest, roots)
            if (
                not any(forest.earlier_any[r] for r in roots)
                and all(files[i] is not None for i in starts)
                and not any(chunk.holds(i) for i in members)
                and not any(chunk.holds(r) for c in chunks for r in c.roots)
            ):
                chunks.append(chunk)
                self.places.join_chunk(chunk)
                self.joined.append(chunk)
                self._scanned[module.tree] = (len(self.joined), members, [])
                self.words.add_chunk(chunk)
                self._named.update(*(cast(frozenset[int], files[i]) for i in starts))
                return chunk
        found: list[int] = []
        brought: set[int] = set()
        if starts:
            if chunks:  # listed from now on in this module's scans
                for chunk in chunks:
                    members.update(chunk.walked())
                chunks.clear()
            brought = forest.closure(starts)
            found = sorted(brought.difference(members))
            members.update(found)
            added = list(map(index_of.__getitem__, found))
            self.places.join(module.path, map(itemgetter(1), added))  # (a module's classes: its path)
            self.joined.extend(added)
        earlier = resolved.earlier(module)
        self._scanned[module.tree] = (len(self.joined), members, list(compress(found, map(earlier.__getitem__, found))))
        grown = list(map(models.__getitem__, found))
        names = list(map(attrgetter("name"), grown))
        self.words.update(names)
        # The files naming the classes the starts bring (those joining now, and members, whose
        # names are words already), kept for the module: not asked of the index name by name.
        if files is None or any(files[i] is None for i in starts) or len(brought) > len(found) and not all(
            models[i].name in self.words for i in brought.difference(found)
        ):
            self._added.extend(names)
        else:
            self._named.update(*(cast(frozenset[int], files[i]) for i in starts))
        return grown


def answering(resolved: Resolutions, name: str, family: Members, places: Places,
              positions: dict[Place, tuple[int, ClassModel]]) -> list[ClassModel]:
    """The members of ``family`` (whose places are ``places``), in order, whose own body may
    answer for a field ``name``: the class itself (``family[0]``) and those the run's index of
    names holds (``Resolutions.members_for``); the other members' answers are all empty.
    ``positions`` (the family's by place: its position and the member) is filled only when two
    members answer: a table per class made a chain's memory grow with its square."""
    named, every = resolved.members_for(name)
    model = (family[0].path, family[0].line)
    # By place (one class per place in a family: ``grow_in``); the smaller side is walked.
    found: dict[Place, ClassModel] = {}
    if len(places) < len(named) + len(every):
        named_at, every_at = resolved.members_at(name)
        for place in places:
            if place != model and place not in found:
                member = named_at.get(place)
                if member is None:
                    member = every_at.get(place)
                if member is not None:
                    found[place] = member
    else:
        for member in chain(named, every):
            place = (member.path, member.line)
            if place in places and place != model and place not in found:
                found[place] = member
    if len(found) > 1:
        if not positions:
            positions.update(((m.path, m.line), (i, m)) for i, m in enumerate(family))
        return [family[0], *(positions[p][1] for p in sorted(found, key=lambda p: positions[p][0]))]
    return [family[0], *found.values()]  # (a class read twice has the same answers)
