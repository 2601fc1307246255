"""Questions about a class family answered from one walk: kept on the tree or computed without
rescanning (issue 34: a hierarchy's cost must grow with its size, not its square)."""

from __future__ import annotations

import ast
import os
import re
import weakref
from bisect import bisect_right
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Iterable, Iterator, Sequence, cast, overload

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo, Project
from tradelint.models.dataclasses.dataclass_model import (
    ClassModel,
    class_model,
    overriding_assignments,
    resolve_class,
)
from tradelint.models.dataclasses.instance_writes import InstanceWrites, instance_writes


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


_ALIAS_CANDIDATES = "_tradelint_alias_candidates"
AliasCandidate = tuple[ast.Assign | ast.AnnAssign, list[ast.Name], ast.expr]


def alias_candidates(tree: ast.Module) -> list[AliasCandidate]:
    """The assignments of ``tree`` (in ``ast.walk`` order) whose value may name a class or a
    ``partial`` of one (a name, an attribute, a call with arguments: what ``_callable_ref`` can
    accept), found in one walk kept on the tree: every class's family search asks each module it
    reads, and a walk per question made a hierarchy's cost grow with its square."""
    found: list[AliasCandidate] | None = tree.__dict__.get(_ALIAS_CANDIDATES)
    if found is not None:
        return found
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
            value: ast.expr | None = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets, value = [node.target], node.value
        else:
            continue
        if value is None or not targets:
            continue
        if isinstance(value, (ast.Name, ast.Attribute)) or (isinstance(value, ast.Call) and value.args):
            found.append((node, targets, value))
    setattr(tree, _ALIAS_CANDIDATES, found)
    return found


_WORD = re.compile(r"\w+")


class WordIndex:
    """Which of a project's files name a word (``\\bword\\b``), and which name a generic word:
    every dataclass's field search asks, for its family's names and for each field, which files
    name them, and a scan of every file per question made a project's cost grow with the number
    of its dataclasses times its files. Built once, then kept for the project's life (the
    language server's): each check first reads again only the files whose text changed (an
    edited buffer, a file whose size or modification time on disk changed), see ``refresh``."""

    def __init__(self, files: list[Path], generic: re.Pattern[str]) -> None:
        self.files = files
        self.generic_re = generic
        self.position = {path: i for i, path in enumerate(files)}
        count = len(files)
        self.readable = [False] * count
        self.generic = [False] * count
        self.tokens: list[frozenset[str]] = [frozenset()] * count
        self.stamps: list[object] = [None] * count
        self.words: dict[str, set[int]] = {}
        self._generic_positions: set[int] | None = None

    def refresh(self, project: Project) -> None:
        """Read again the files whose text may have changed since they were read."""
        for i, path in enumerate(self.files):
            stamp = _stamp(project, path)
            if stamp is None or stamp != self.stamps[i]:
                self._read(i, project.read_text(path))
                self.stamps[i] = stamp

    def _read(self, i: int, text: str | None) -> None:
        words = self.words
        for word in self.tokens[i]:
            holders = words[word]
            holders.discard(i)
            if not holders:
                del words[word]
        self.readable[i] = text is not None
        self.generic[i] = text is not None and self.generic_re.search(text) is not None
        self.tokens[i] = frozenset(_WORD.findall(text)) if text is not None else frozenset()
        for word in self.tokens[i]:
            holders_ = words.get(word)
            if holders_ is None:
                words[word] = {i}
            else:
                holders_.add(i)
        self._generic_positions = None

    @property
    def generic_positions(self) -> set[int]:
        if self._generic_positions is None:
            self._generic_positions = {i for i, g in enumerate(self.generic) if g}
        return self._generic_positions

    def naming(self, words: set[str]) -> set[int]:
        """Positions of the files naming any of ``words`` (each a run of word characters)."""
        known = self.words
        return set().union(*map(known.__getitem__, words & known.keys()))


def indexable(words: set[str]) -> bool:
    """Words a ``WordIndex`` answers for exactly as ``\\b(?:words)\\b`` would: runs of word
    characters (an identifier with a character ``\\w`` does not match is searched in the text)."""
    for word in words:
        if word not in _INDEXABLE:
            if not _WORD.fullmatch(word):
                return False
            _INDEXABLE.add(word)
    return True


_INDEXABLE: set[str] = set()  # words known to be runs of word characters


def word_index(project: Project, root: Path, files: list[Path], generic: re.Pattern[str]) -> WordIndex:
    """The index of ``files`` (the project's file list under ``root``), refreshed once per run
    or check (``class_memo``, which a check starts without, holds the mark)."""
    store = _INDEXES.setdefault(project, {})
    known = store.get(str(root))
    found = known if known is not None and known.files is files else WordIndex(files, generic)
    store[str(root)] = found
    mark = ("word-index", str(root))
    if project.class_memo.get(mark) is not found:
        found.refresh(project)
        project.class_memo[mark] = found
    return found


_INDEXES: weakref.WeakKeyDictionary[Project, dict[str, WordIndex]] = weakref.WeakKeyDictionary()


def _stamp(project: Project, path: Path) -> object:
    """What says a file's text is the one read before: an open buffer's text itself, a file's
    size, modification time and inode; None when unknown (read it again)."""
    absolute = project.absolute(path)
    if absolute in project.overlay:
        return ("buffer", project.overlay[absolute])
    try:
        st = os.stat(absolute)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def word_pattern(words: set[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")\b")


def is_slotted(model: ClassModel) -> bool:
    for dec in model.node.decorator_list:
        if isinstance(dec, ast.Call):
            for kw in dec.keywords:
                if kw.arg == "slots" and isinstance(kw.value, ast.Constant):
                    return bool(kw.value.value)
        qualified = model.module.imports.qualify(dec.func if isinstance(dec, ast.Call) else dec)
        if qualified in ("attrs.define", "attrs.frozen", "attrs.mutable", "attr.define", "attr.frozen", "attr.mutable"):
            return True  # attrs' modern API makes slotted classes unless told otherwise
    return any(
        isinstance(s, (ast.Assign, ast.AnnAssign))
        and any(isinstance(t, ast.Name) and t.id == "__slots__" for t in (s.targets if isinstance(s, ast.Assign) else [s.target]))
        for s in model.node.body
    )


def terminal_name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return ""


def slots_name(node: ast.ClassDef, name: str) -> bool:
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__" for t in stmt.targets):
            return any(isinstance(n, ast.Constant) and n.value == name for n in ast.walk(stmt.value))
    return False


class Resolutions:
    """What an expression names, whatever the family: asked by every class's search of every
    module it reads, answered once per run (kept in ``Project.class_memo``, so forgotten with
    the searches, and never unlinked: it holds no ``break_cycles``)."""

    def __init__(self) -> None:
        self.classes: dict[ast.AST, ClassModel | None] = {}
        self.definitions: dict[ast.AST, tuple[ModuleInfo, ast.stmt] | None] = {}
        self.qualified: dict[ast.AST, str | None] = {}
        self.modules: dict[ast.AST, object] = {}  # module_calls.ModuleCalls, by tree
        self._subclasses: dict[ast.AST, tuple[list[ClassModel], dict[Place, list[int]]]] = {}
        self._positions: dict[ast.AST, dict[Place, int]] = {}
        self._places: dict[ast.AST, list[Place]] = {}
        self._forests: dict[ast.AST, Forest] = {}
        self._bases_from: dict[ast.AST, dict[Path, list[Place]]] = {}
        self._earlier: dict[ast.AST, list[bool]] = {}
        self._forward_files: dict[tuple[ast.AST, WordIndex], list[frozenset[int] | None]] = {}
        self._lineage_files: dict[tuple[ClassModel, WordIndex], frozenset[int] | None] = {}
        # By name, the classes of the modules above that may answer for a field of that name
        # (``member_index``), and how many of those modules are indexed.
        self._by_name: dict[str, list[ClassModel]] = {}
        self._every_field: list[ClassModel] = []
        self._slotted: set[int] = set()  # the ids of the slotted ones
        self._indexed = 0

    def subclasses(self, module: ModuleInfo) -> tuple[list[ClassModel], dict[Place, list[int]]]:
        """``module``'s classes, and which of them name each base (see ``_subclasses``)."""
        found = self._subclasses.get(module.tree)
        if found is None:
            found = self._subclasses[module.tree] = _subclasses(module)
        return found

    def class_positions(self, module: ModuleInfo) -> dict[Place, int]:
        """Each of ``module``'s classes' position in ``subclasses(module)[0]``, by place."""
        found = self._positions.get(module.tree)
        if found is None:
            models = self.subclasses(module)[0]
            found = self._positions[module.tree] = {(m.path, m.line): i for i, m in enumerate(models)}
        return found

    def members_for(self, name: str) -> tuple[list[ClassModel], list[ClassModel]]:
        """The classes of the modules read so far whose own body may answer for a field ``name``
        (an own field, a ``__slots__`` string, a ``self.NAME`` write, a class attribute), and
        those that write every field: a family's search asks for its members among these, not
        each member for each name (issue 34: a chain of N classes has N - k members for the
        class at depth k)."""
        if self._indexed < len(self._subclasses):
            for models, _ in list(self._subclasses.values())[self._indexed:]:
                for model in models:
                    facts = member_facts(model)
                    names = set(model.own_fields) | set(facts.writes.names) | set(facts.overrides)
                    if facts.slots is not None:
                        names.update(n.value for n in ast.walk(facts.slots)
                                     if isinstance(n, ast.Constant) and isinstance(n.value, str))
                    for word in names:
                        self._by_name.setdefault(word, []).append(model)
                    if facts.writes.every_field is not None:
                        self._every_field.append(model)
                    if facts.slotted:
                        self._slotted.add(id(model))
            self._indexed = len(self._subclasses)
        return self._by_name.get(name, []), self._every_field

    def any_slotted(self, model: ClassModel, family: Iterable[ClassModel]) -> bool:
        """Whether a member of ``family`` (``model``, then classes of the modules read) is slotted."""
        self.members_for("")
        return member_facts(model).slotted or bool(self._slotted) and not self._slotted.isdisjoint(map(id, family))

    def class_places(self, module: ModuleInfo) -> list[Place]:
        """The places of ``subclasses(module)[0]``, in order."""
        found = self._places.get(module.tree)
        if found is None:
            found = self._places[module.tree] = [(m.path, m.line) for m in self.subclasses(module)[0]]
        return found

    def forest(self, module: ModuleInfo) -> Forest:
        """``module``'s classes as ``grow_in`` walks them: each class, then its subclasses after it
        in the module and theirs (see ``Forest``)."""
        found = self._forests.get(module.tree)
        if found is None:
            found = self._forests[module.tree] = Forest(self, module)
        return found

    def bases_from(self, module: ModuleInfo, path: Path) -> list[Place]:
        """The places in ``path`` of the bases that ``module``'s classes name."""
        found = self._bases_from.get(module.tree)
        if found is None:
            found = self._bases_from[module.tree] = {}
            for place in self.subclasses(module)[1]:
                found.setdefault(place[0], []).append(place)
        return found.get(path, [])

    def earlier(self, module: ModuleInfo) -> list[bool]:
        """For each of ``module``'s classes (by position), whether a subclass of it is written
        before it in the module (``Family.grow_in``)."""
        found = self._earlier.get(module.tree)
        if found is None:
            by_base = self.subclasses(module)[1]
            found = self._earlier[module.tree] = [
                any(j < i for j in by_base.get(place, ())) for i, place in enumerate(self.class_places(module))
            ]
        return found

    def forward_files(self, module: ModuleInfo, index: WordIndex) -> list[frozenset[int] | None]:
        """For each of ``module``'s classes (by position), the positions of ``index``'s files
        naming a class of ``Forest.closure({i})``; None when one of those names is not a word
        the index answers for."""
        found = self._forward_files.get((module.tree, index))
        if found is None:
            models, by_base = self.subclasses(module)
            places = self.class_places(module)
            found = [None] * len(places)
            for i in range(len(places) - 1, -1, -1):
                later = [found[j] for j in by_base.get(places[i], ()) if j > i]
                if indexable({models[i].name}) and None not in later:
                    found[i] = frozenset(index.words.get(models[i].name, ())).union(*cast(list[frozenset[int]], later))
            self._forward_files[(module.tree, index)] = found
        return found

    def lineage_files(self, index: WordIndex, model: ClassModel) -> frozenset[int] | None:
        """The positions of ``index``'s files naming a class of ``lineage(model)``; None when one
        of those names is not a word the index answers for. A class that is itself then its
        base's lineage adds its own name's files to its base's answer."""
        above: list[ClassModel] = []  # classes whose answer is their base's and their own
        current = model
        while (current, index) not in self._lineage_files:
            line = lineage(current)
            bases = [b for b in current.bases if b is not None]
            if len(bases) == 1 and len(line) > 1 and line[1] is bases[0] and len(lineage(bases[0])) == len(line) - 1:
                above.append(current)
                current = bases[0]
                continue
            names = set(map(attrgetter("name"), line))
            self._lineage_files[(current, index)] = frozenset(index.naming(names)) if indexable(names) else None
        found = self._lineage_files[(current, index)]
        for member in reversed(above):
            if found is not None:
                found = found.union(index.words.get(member.name, ())) if indexable({member.name}) else None
            self._lineage_files[(member, index)] = found
        return found

    def resolve_class(self, module: ModuleInfo, expr: ast.AST) -> ClassModel | None:
        if expr in self.classes:
            return self.classes[expr]
        found = self.classes[expr] = resolve_class(module, expr)
        return found

    def resolve_definition(self, module: ModuleInfo, expr: ast.AST) -> tuple[ModuleInfo, ast.stmt] | None:
        if expr in self.definitions:
            return self.definitions[expr]
        found = self.definitions[expr] = resolve_definition(module, expr)
        return found

    def qualify(self, module: ModuleInfo, expr: ast.AST) -> str | None:
        if expr in self.qualified:
            return self.qualified[expr]
        found = self.qualified[expr] = module.imports.qualify(expr)
        return found


Place = tuple[Path, int]


def _subclasses(module: ModuleInfo) -> tuple[list[ClassModel], dict[Place, list[int]]]:
    """The models of ``module``'s classes in order, and by each base's place the positions of
    the classes naming it."""
    models = [class_model(module, node) for node in module.index.classes]
    by_base: dict[Place, list[int]] = {}
    for i, model in enumerate(models):
        for place in dict.fromkeys((b.path, b.line) for b in model.bases if b is not None):
            by_base.setdefault(place, []).append(i)
    return models, by_base


def resolutions(project: Project) -> Resolutions:
    found = project.class_memo.get(("field-resolutions",))
    if not isinstance(found, Resolutions):
        found = project.class_memo[("field-resolutions",)] = Resolutions()
    return found


class Forest:
    """A module's classes as ``Family.grow_in`` walks them. A scan adds each class, then its
    subclasses written after it in the module, then theirs (``closure``). When no class has two
    bases among the classes before it, these links form a forest: numbered in a walk of it, what
    a class brings is the run of numbers from its own (``pre``) for ``size`` classes, so a family
    holds what a scan added as a few classes (``Chunk``), not a copy of each member (issue 34: a
    chain of N classes put N - k members in the family of the class at depth k)."""

    def __init__(self, resolved: Resolutions, module: ModuleInfo) -> None:
        models, by_base = resolved.subclasses(module)
        places = resolved.class_places(module)
        self.path = module.path
        self.models = models
        self.positions = resolved.class_positions(module)
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
        earlier = resolved.earlier(module)
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
    # By place (one class per place in a family: ``grow_in``).
    found: dict[Place, ClassModel] = {}
    for member in chain(named, every):
        place = (member.path, member.line)
        if place in places and place != model and place not in found:
            found[place] = member
    if len(found) > 1:
        if not positions:
            positions.update(((m.path, m.line), (i, m)) for i, m in enumerate(family))
        return [family[0], *(positions[p][1] for p in sorted(found, key=lambda p: positions[p][0]))]
    return [family[0], *found.values()]  # (a class read twice has the same answers)


@dataclass
class MemberFacts:
    """What a family member's own body says, whatever the class searched from: kept once per run
    (issue 34: a chain of N classes puts each class in the families of all its bases, and each
    search read its body again)."""

    slotted: bool
    writes: InstanceWrites
    # Names the body binds as class attributes (TRD102's shape), with their statements.
    overrides: dict[str, list[ast.stmt]]
    slots: ast.AST | None  # the value of ``__slots__``, if assigned


def member_facts(member: ClassModel) -> MemberFacts:
    found = member.member_facts  # kept on the model: forgotten with it (``Project.class_memo``)
    if found is None:
        overrides: dict[str, list[ast.stmt]] = {}
        for stmt, bound in overriding_assignments(member.node, redecorated=member.known):
            overrides.setdefault(bound, []).append(stmt)
        slots = next((stmt.value for stmt in member.node.body if isinstance(stmt, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == "__slots__" for t in stmt.targets)), None)
        found = member.member_facts = MemberFacts(is_slotted(member), instance_writes(member.node), overrides, slots)
    return cast(MemberFacts, found)
