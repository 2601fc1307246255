"""Questions about a class family answered from one walk: kept on the tree or computed without
rescanning (issue 34: a hierarchy's cost must grow with its size, not its square)."""

from __future__ import annotations

import ast
import os
import re
import sys
import weakref
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Iterable, cast

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.packaging import NOT_SHIPPED, is_installable
from tradelint.models.dataclasses.dataclass_model import (
    ClassModel,
    class_model,
    overriding_assignments,
    resolve_class,
)
from tradelint.models.dataclasses.forest import Forest, Place
from tradelint.models.dataclasses.instance_writes import InstanceWrites, instance_writes
from tradelint.models.dataclasses.lineages import lineage as lineage  # (re-exported)

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


_WORD = WORD = re.compile(r"\w+")


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
        # Every word asked about (``holders``, ``naming``, ``search_text``), by any search of the
        # run: the files that name none of them, and no generic word, were never read for a
        # search (the runner's cache notes them: ``note_words``).
        self.asked: set[str] = set()

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

    def holders(self, word: str) -> set[int] | frozenset[int]:
        """Positions of the files naming ``word`` (a run of word characters)."""
        self.asked.add(word)
        return self.words.get(word, _NO_FILES)

    def search_text(self, word: str) -> None:
        """``word`` is searched in the text of every readable file (it is no run of word characters)."""
        self.asked.add(word)

    def naming(self, words: set[str]) -> set[int]:
        """Positions of the files naming any of ``words`` (each a run of word characters)."""
        self.asked.update(words)
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
_NO_FILES: frozenset[int] = frozenset()


def exported(model: ClassModel, root: Path) -> str:
    """Why other packages may construct this class (empty when they cannot)."""
    module = model.module
    if model.name.startswith("_") or module.module_name is None:
        return ""
    parts = module.module_name.split(".")
    if any(p.startswith("_") for p in parts) or parts[0] in NOT_SHIPPED:
        return ""
    if module.module_name.split(".")[0] in sys.stdlib_module_names or not is_installable(root):
        return ""
    return f"`{module.module_name}.{model.name}` is public in an installable package: code outside the project may use it"


def note_words(project: Project, root: Path, index: WordIndex | None) -> None:
    """For the runner's cache: a field search's answer depends on the project's files under
    ``root`` that name a word its index was asked about or a generic word (``words``), and on what
    they import; without an index (no search made), on every file under ``root`` (``tree``)."""
    if index is None:
        project.note_scan("tree", root)
    else:
        project.note_scan("words " + " ".join(sorted(index.asked)), root)


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
        # The same by place (the first class of each), and how many of the list each holds.
        self._by_place: dict[str | None, tuple[int, dict[Place, ClassModel]]] = {}

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

    def members_at(self, name: str) -> tuple[dict[Place, ClassModel], dict[Place, ClassModel]]:
        """``members_for(name)`` by place, the first class of each place in their order: a small
        family looks its places up instead of walking every class that names a field ``name``
        (issue 34: N dataclasses each with a field ``name``)."""
        named, every = self.members_for(name)
        return self._placed(name, named), self._placed(None, every)

    def _placed(self, key: str | None, models: list[ClassModel]) -> dict[Place, ClassModel]:
        count, table = self._by_place.get(key, (0, {}))
        if count < len(models):  # the lists only grow
            for model in models[count:]:
                table.setdefault((model.path, model.line), model)
            self._by_place[key] = (len(models), table)
        return table

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
            models, by_base = self.subclasses(module)
            found = self._forests[module.tree] = Forest(
                module.path, models, by_base, self.class_positions(module), self.earlier(module)
            )
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
                    found[i] = frozenset(index.holders(models[i].name)).union(*cast(list[frozenset[int]], later))
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
                found = found.union(index.holders(member.name)) if indexable({member.name}) else None
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
