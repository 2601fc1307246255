"""Whole-project evidence that a dataclass field is used as a field.

Turning ``NAME: T = v`` into ``NAME: ClassVar[T] = v`` removes ``NAME`` from ``__init__``,
``replace()``, ``asdict()``/``astuple()``/``fields()``, ``__match_args__``, ``repr`` and
equality, and from the slots of a slotted class. Before such a fix is called safe, every
first-party module of the project is searched for code that could notice. Each piece of evidence
says whether the program would *break* (a ``TypeError`` for ``Desc(NAME=3)``, an
``AttributeError`` when a slotted instance is written) or only *observe* a different value
(``asdict(d)["NAME"]``, an instance write on a plain dataclass).

What "the project" is: the nearest folder above the module's package (below the home folder)
with a project marker (``pyproject.toml``, ``setup.py``, ``setup.cfg``, ``requirements.txt``,
``Pipfile``, ``tox.ini``, ``.gitignore``; never ``.git``), every ``.py`` file below it minus hidden
folders, virtual environments and build output. With no marker (a bare folder of modules, such
as an unpacked wheel), who imports a public class cannot be told. Code outside it cannot be searched:
when the class is public in an installable package (the folder declares a distribution: a
``setup.py``, a ``setup.cfg``, or ``[project]``/``[tool.poetry]`` in ``pyproject.toml``; the
class and every part of its module path have no leading underscore; the module is not under
``tests``/``docs``/``examples``/``scripts``/``benchmarks``), other packages may construct it, and
the answer is "cannot prove" (:attr:`FieldUses.blind`).

This module imports neither the engine nor the rules: it reads modules through the
:class:`~tradelint.facts.context.Project` that the engine already holds.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Iterable, Iterator, Literal, Mapping, cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import MAX_FILES, in_project_files, project_files, project_root
from tradelint.models.dataclasses.dataclass_model import ClassModel, class_model, field_position, resolve_class
from tradelint.models.dataclasses.family_growth import Family, Members, answering
from tradelint.models.dataclasses.family_index import (
    alias_candidates, exported, indexable, lineage, member_facts, note_words, resolutions, terminal_name, word_index,
    word_pattern,
)
from tradelint.models.dataclasses.module_calls import module_calls

# Functions that read or rebuild every field of an instance.
WHOLE_INSTANCE = {
    "dataclasses.asdict", "dataclasses.astuple", "dataclasses.fields",
    "attr.asdict", "attr.astuple", "attr.fields", "attr.fields_dict",
    "attrs.asdict", "attrs.astuple", "attrs.fields", "attrs.fields_dict",
}
# Functions that pass their keywords on to the class's ``__init__``.
FORWARDERS = {"dataclasses.replace", "copy.replace", "attr.evolve", "attrs.evolve", "functools.partial"}
REPLACERS = {"replace", "evolve", "_replace", "__replace__"}
GENERIC_WORDS = re.compile(
    r"\b(?:asdict|astuple|fields|fields_dict|setattr|__setattr__|replace|evolve|partial|__class__)\b"
    r"|\btype\s*\("
)

# A ``match`` statement is a compound statement: it starts a line (``\n``, ``\r\n`` or a lone
# ``\r``). Only then is a tree walked for class patterns (the word alone is in most files:
# ``re.match``, "matches").
MATCH_STATEMENT = re.compile(r"(?:^|\r)[ \t\f]*match\b", re.MULTILINE)

Strength = Literal["breaks", "observes"]
Answer = Literal["yes", "no", "maybe"]


@dataclass(frozen=True)
class Evidence:
    path: Path
    line: int
    what: str
    strength: Strength

    def describe(self, root: Path | None = None) -> str:
        where = self.path
        if root is not None:
            try:
                where = self.path.relative_to(root)
            except ValueError:
                pass
        return f"{where}:{self.line}: {self.what}"


@dataclass
class FieldUses:
    evidence: list[Evidence] = field(default_factory=list)
    blind: str = ""  # why the project cannot be searched completely, or ""
    root: Path | None = None
    # Proof that the name is set per instance (a constructor keyword, a write of ``self.NAME`` in
    # the family's own methods), and subclasses that set it as a class constant (incident 001).
    intent: list[Evidence] = field(default_factory=list)
    overrides: list[Evidence] = field(default_factory=list)

    @property
    def used_as_field(self) -> Evidence | None:
        """The project's proof that the name is meant as a field, when no subclass overrides it as
        a constant; reads alone (``schema.CACHE_KEY``) are never such a proof."""
        return None if self.overrides else next(iter(self.intent), None)

    @property
    def breaks(self) -> bool:
        return any(e.strength == "breaks" for e in self.evidence)

    @property
    def proven_unused(self) -> bool:
        return not self.evidence and not self.blind


# -- the search --------------------------------------------------------------------------------


@dataclass
class _ModuleUses:
    """What one module holds that may notice a field of the family, whatever the field: sorted
    out once per class, so that each of its fields is then looked up, not searched for again (a
    class of 49 constants in a 2,942-file project made 49 whole-project searches)."""

    module: ModuleInfo
    # Calls that may construct a family instance: (call, answer, positional arguments supplied
    # before the call's own, keyword names).
    constructions: list[tuple[ast.Call, Answer, int, set[str | None]]]
    # Other calls, by the keyword names they pass (a keyword may be forwarded to the family).
    by_keyword: Mapping[str, list[ast.Call]]
    whole_instance: list[ast.Call]
    setattrs: list[ast.Call]
    # Attribute writes and deletions, by attribute name.
    writes: dict[str, list[ast.Attribute]]
    # ``match`` class patterns that may match a family instance, with the answer for their class.
    patterns: list[tuple[ast.MatchClass, Answer]]
    # Every string constant of the module (``asdict(d)["NAME"]``).
    strings: set[str]


_PATH, _LINE, _NAME = attrgetter("path"), attrgetter("line"), attrgetter("name")


class _Search:
    """Who is in the family of a class (grown once), then each field's evidence in turn."""

    def __init__(self, model: ClassModel, files: list[Path], root: Path, listed: list[Path] | None = None) -> None:
        self.model = model
        self.name = ""
        self.files = files
        self.root = root
        self.project = model.module.project
        # Which files name which words, read once per run: ``listed`` is the project's file list
        # (``files`` is that list, or the class's own module and that list).
        self.index = None if listed is None else word_index(self.project, root, listed, GENERIC_WORDS)
        self._sorted_out: set[int] = set()
        self.resolved = resolutions(self.project)
        self.lineage = lineage(model)
        self.family = Members(model)  # (chunks of members listed only when asked)
        # The family's places (``same``), so that membership is one look-up, not a scan of the
        # family (which made a hierarchy's cost grow with the cube of its size).
        self._grown = Family(self.resolved, model, self.lineage, self.index)  # also its names and files
        self._family_places = self._grown.places
        self._lineage_places: set[tuple[Path, int]] | None = None  # made when first asked
        self._family_ancestors: set[tuple[Path, int]] | None = None
        # Each member's position in the family by place, once two members answer (``answering``).
        self._positions: dict[tuple[Path, int], tuple[int, ClassModel]] = {}
        # Qualified names (``pkg.mod.D``) and per-module local names bound to a family class,
        # with how many positional arguments a ``partial`` already supplies.
        self.aliases: dict[str, int] = {}
        self.local_aliases: dict[Path, dict[str, int]] = {}
        self.fields = model.fields_view()  # (shared: not to be changed)
        self.position = 0
        self.evidence: list[Evidence] = []
        self.intent: list[Evidence] = []
        self.overrides: list[Evidence] = []
        # Filled once the family is grown (the answers below depend on it).
        self.grown = False
        self.slotted = False
        # Texts of the files that name a family class but cannot be parsed (grow_family).
        self.unparsable: dict[Path, str] = {}
        # The project's readable files, sorted out once the family is grown: those that name the
        # family or a generic word are searched for every field (their uses; or, unparsable,
        # whether they name the family, and their text), the others only for a field they name
        # (their text; their uses once parsed, None when they cannot be).
        self.always: list[_ModuleUses] = []
        self.unparsable_searched: dict[Path, tuple[bool, str]] = {}
        self.by_name: dict[Path, str] = {}
        self.by_name_uses: dict[Path, _ModuleUses | None] = {}
        self._callees: dict[ast.expr, tuple[Answer, int]] = {}
        self._unrelated: dict[ast.expr, bool] = {}
        self._forwards_cache: dict[ast.Call, bool] = {}

    # -- who is in the family ---------------------------------------------------------------

    @staticmethod
    def same(a: ClassModel, b: ClassModel) -> bool:
        # By place, not identity: under flake8 a checked module and the same file parsed for a
        # lookup are two ``ModuleInfo`` objects.
        # (Two class statements never share a line.)
        return a.path == b.path and a.line == b.line

    def in_family(self, other: ClassModel | None) -> bool:
        return other is not None and (other.path, other.line) in self._family_places

    def related(self, other: ClassModel) -> bool:
        """A class whose instances may be instances of the family (a subclass or a base)."""
        if self._lineage_places is None:
            self._lineage_places = set(zip(map(_PATH, self.lineage), map(_LINE, self.lineage)))
        return self.in_family(other) or (other.path, other.line) in self._lineage_places

    def _text(self, path: Path) -> str | None:
        return self.project.read_text(path)

    def _unlisted(self) -> list[Path]:
        """The files the index does not hold: all of them without one, else the class's module
        when the project's list misses it (``field_uses`` puts it first)."""
        return self.files if self.index is None else self.files[: len(self.files) - len(self.index.files)]

    def _naming(self, words: Iterable[str], named: list[int] | None = None) -> Iterator[tuple[Path, str | None]]:
        """The readable files naming any of ``words`` (listed only when needed), in the order of
        ``self.files``, with their text when read (None: the index answered; or ``named``)."""
        index = self.index if named is not None or indexable(set(words)) else None
        listed = self._unlisted() if index is not None else self.files
        pattern = word_pattern(set(words)) if listed else None
        for path in listed:
            text = self._text(path)
            if text is not None and pattern is not None and pattern.search(text):
                yield path, text
        if index is not None:
            yield from ((index.files[i], None) for i in (sorted(index.naming(set(words))) if named is None else named))

    def _naming_family(self) -> list[tuple[Path, str | None]]:
        """The files naming the family, its lineage or its aliases (``Family``), the index
        asked only for the names added since the previous call."""
        return list(self._naming(self._grown.words, self._grown.naming()))

    def _by_name(self, name: str, name_pattern: re.Pattern[str]) -> Iterator[Path]:
        """The files neither naming the family nor a generic word that name ``name``, in order."""
        yield from (path for path, text in self.by_name.items() if name_pattern.search(text))
        index = self.index
        if index is not None:
            if not indexable({name}):
                index.search_text(name)
            hits = sorted(index.holders(name)) if indexable({name}) else [
                i for i, ok in enumerate(index.readable) if ok and name_pattern.search(self._text(index.files[i]) or "")
            ]
            yield from (index.files[i] for i in hits if i not in self._sorted_out)

    def _readable(self, family: set[Path]) -> Iterator[tuple[Path, str | None, bool]]:
        """The readable files, with whether each names a generic word; with an index, only those
        that name the family or a generic word (the others are ``_by_name``'s)."""
        for path in self._unlisted():
            text = self._text(path)
            if text is not None:
                yield path, text, GENERIC_WORDS.search(text) is not None
        index = self.index
        if index is not None:
            self._sorted_out = {index.position[p] for p in family if p in index.position} | index.generic_positions
            for i in sorted(self._sorted_out):
                yield index.files[i], None, index.generic[i]

    def grow_family(self) -> None:
        """Subclasses anywhere in the project, and names bound to the class or a ``partial`` of it."""
        parsed: dict[Path, ModuleInfo] = {}
        known = 0  # the words' version the previous pass looked for (it changes as they grow)
        for _ in range(10):
            if self._grown.words.version == known:
                break
            known = self._grown.words.version
            for path, text in self._naming_family():
                module = parsed.get(path) or self.project.module_at(path)
                if module is None:
                    if text is None:
                        text = self._text(path)
                    if text is not None:
                        self.unparsable[path] = text  # evidence for the fields it names (evidence_for)
                    continue
                parsed[path] = module
                self._register(module)
                self.family.extend(self._grown.grow_in(module))
                self._collect_aliases(module)
        self.grown = True
        self._sort_files()
        self._grown.grown()

    def _sort_files(self) -> None:
        """Which files may notice some field of the family: parsed and sorted out now, once."""
        self.slotted = self.resolved.any_slotted(self.model, self.family)
        family = {path for path, _ in self._naming_family()}
        for path, text, generic in self._readable(family):
            names_family = path in family
            if not (names_family or generic):
                if text is not None:  # (with an index, every file here was read)
                    self.by_name[path] = text  # searched for a field only if it names the field
                continue
            module = self.project.module_at(path)
            if module is None:
                text = self._text(path) if text is None else text
                if text is not None:
                    self.unparsable_searched[path] = (names_family, text)
                continue
            self._register(module)
            self.always.append(self._module_uses(module))

    def _register(self, module: ModuleInfo) -> None:
        # Recorded as a lookup, so that a cached result is re-checked when this file changes.
        if module.module_name is not None:
            self.project.find_path(module.module_name, module.roots)

    def _collect_aliases(self, module: ModuleInfo) -> None:
        local = self.local_aliases.setdefault(module.path, {})
        for node, targets, value in alias_candidates(module.tree):
            supplied = self._callable_ref(module, value)
            if supplied is None:
                continue
            for target in targets:
                local[target.id] = supplied
                self._grown.add([target.id])  # (also a qualified alias's last part)
                if module.module_name is not None and module.enclosing_scope(node) is None:
                    self.aliases[f"{module.module_name}.{target.id}"] = supplied

    def _callable_ref(self, module: ModuleInfo, expr: ast.expr) -> int | None:
        """How many positional arguments are already supplied when ``expr`` is the class (0),
        an alias of it, or ``partial(cls, ...)``; None when it is none of these."""
        if isinstance(expr, (ast.Name, ast.Attribute)):
            if self.in_family(self.resolved.resolve_class(module, expr)):
                return 0
            return self._alias(module, expr)
        if isinstance(expr, ast.Call) and expr.args and self._qualified(module, expr.func) in (
            "functools.partial", "partial"
        ):
            inner = self._callable_ref(module, expr.args[0])
            if inner is not None:
                return inner + len(expr.args) - 1
        return None

    def _alias(self, module: ModuleInfo, expr: ast.expr) -> int | None:
        if isinstance(expr, ast.Name) and expr.id in self.local_aliases.get(module.path, {}):
            return self.local_aliases[module.path][expr.id]
        qualified = self.resolved.qualify(module, expr)
        if qualified is not None and qualified in self.aliases:
            return self.aliases[qualified]
        return None

    def _qualified(self, module: ModuleInfo, expr: ast.expr) -> str | None:
        qualified = self.resolved.qualify(module, expr)
        if qualified is None and isinstance(expr, ast.Name) and expr.id not in module.top_level:
            return expr.id  # a bare, unresolved name: judged by its spelling
        return qualified

    # -- what a callee is -------------------------------------------------------------------

    def _owner_class(self, module: ModuleInfo, node: ast.AST) -> ClassModel | None:
        function = module.enclosing_function(node)
        while function is not None:
            owner = module.parent(function)
            if isinstance(owner, ast.ClassDef):
                return class_model(module, owner)
            function = module.enclosing_function(function)
        return None

    def _receiver_class(self, module: ModuleInfo, expr: ast.expr) -> Answer:
        """Whether ``type(expr)``, ``expr.__class__`` or ``cls`` may be a family class."""
        if isinstance(expr, ast.Name) and expr.id in ("self", "cls"):
            owner = self._owner_class(module, expr)
            if owner is not None:
                return "yes" if self.related(owner) or self._has_family_subclass(owner) else "no"
        if isinstance(expr, ast.Name):
            annotated = self._annotated_class(module, expr)
            if annotated is not None:
                return "yes" if self.related(annotated) or self._has_family_subclass(annotated) else "no"
        return "maybe"

    def _has_family_subclass(self, cls: ClassModel) -> bool:
        """``type(x)`` of an ``x: Base`` may be any subclass of ``Base``, the family included."""
        if self._family_ancestors is None or not self.grown:
            ancestors = {(a.path, a.line) for member in self.family for a in lineage(member)}
            if not self.grown:
                return (cls.path, cls.line) in ancestors
            self._family_ancestors = ancestors
        return (cls.path, cls.line) in self._family_ancestors

    def callee(self, module: ModuleInfo, func: ast.expr) -> tuple[Answer, int]:
        """Once the family is grown, each callee is judged once (it depends on the family only)."""
        if not self.grown:
            return self._callee(module, func)
        known = self._callees.get(func)
        if known is None:
            known = self._callees[func] = self._callee(module, func)
        return known

    def _callee(self, module: ModuleInfo, func: ast.expr) -> tuple[Answer, int]:
        """Whether a call of ``func`` constructs a family instance, and the positional arguments
        it supplies before the call's own. "maybe" only for the shapes that construct an
        instance of a class not known here: ``type(x)(...)``, ``x.__class__(...)``, ``cls(...)``."""
        ref = self._callable_ref(module, func)
        if ref is not None:
            return "yes", ref
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "type" and len(func.args) == 1:
            return self._receiver_class(module, func.args[0]), 0
        if isinstance(func, ast.Attribute) and func.attr == "__class__":
            return self._receiver_class(module, func.value), 0
        if isinstance(func, ast.Name) and func.id == "cls":
            return self._receiver_class(module, func), 0
        if isinstance(func, ast.Attribute) and func.attr == "__init__":
            value = func.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
                # ``super().__init__(...)`` in a subclass reaches the class's ``__init__``.
                owner = self._owner_class(module, func)
                if owner is None:
                    return "maybe", 0
                return ("yes" if self.in_family(owner) and not self.same(owner, self.model) else "no"), 0
            if self._callable_ref(module, value) is not None:
                return "yes", 1  # ``Desc.__init__(self, ...)``
        if isinstance(func, (ast.Name, ast.Attribute)):
            found = self.resolved.resolve_definition(module, func)
            if found is not None and isinstance(found[1], ast.ClassDef):
                # A base's own ``__init__`` is not the family's: ``Base(NAME=...)`` still works
                # when a subclass's ``NAME`` becomes a class variable.
                return ("yes" if self.in_family(class_model(found[0], found[1])) else "no"), 0
        # A function, another package's callable, a method, a builtin, a local variable: a
        # parameter that receives the class is not followed (documented limit).
        return "no", 0

    # -- evidence ---------------------------------------------------------------------------

    def note(self, path: Path, line: int, what: str, strength: Strength) -> None:
        self.evidence.append(Evidence(path, line, what, strength))

    def _module_uses(self, module: ModuleInfo) -> _ModuleUses:
        calls = module_calls(module, self.resolved, self._qualified, WHOLE_INSTANCE, MATCH_STATEMENT)
        built: list[tuple[int, ast.Call, Answer, int, set[str | None]]] = []
        extra: list[tuple[int, ast.Call, set[str | None]]] = []  # judged, constructing nothing
        for position, call, keywords in calls.strong:
            answer, supplied = self.callee(module, call.func)
            if answer != "no":
                built.append((position, call, answer, supplied, keywords))
            else:
                extra.append((position, call, keywords))
        # The other calls construct a family instance only when they name a family class or an
        # imported alias of it: only those are judged (``module_calls``).
        places = self._family_places
        keys = [k for k in calls.by_place if k in places] if len(calls.by_place) < len(places) else places
        named = [n for k in keys for n in calls.by_place.get(k, ())]
        named += [n for q in self.aliases for n in calls.by_qualified.get(q, ())]
        removed: set[int] = set()
        for position, call, keywords in named:
            answer, supplied = self.callee(module, call.func)
            if answer != "no" and position not in removed:
                built.append((position, call, answer, supplied, keywords))
                removed.add(position)
        built.sort(key=lambda b: b[0])
        by_keyword, whole_instance, setattrs = calls.merged(extra, removed)
        uses = _ModuleUses(module, [b[1:] for b in built], by_keyword, whole_instance, setattrs, calls.writes, [], set())
        for node in calls.match_classes:
            answer, _ = self.callee(module, node.cls)
            if answer != "no":
                uses.patterns.append((node, answer))
        if uses.whole_instance:
            uses.strings = calls.strings(module)
        return uses

    def evidence_for(self, name: str) -> list[Evidence]:
        """Everything that may notice ``name`` stop being a field (the family grown first)."""
        self.name = name
        self.position = field_position(self.fields, name)
        self.evidence, self.intent, self.overrides = [], [], []
        name_pattern = re.compile(rf"\b{re.escape(name)}\b")
        # The members whose own body may answer for the field, the class first.
        members = answering(self.resolved, name, self.family, self._family_places, self._positions)
        self._own_writes(name, members)
        for other in members:
            if not self.same(other, self.model) and other.kind is not None and name in other.own_fields:
                self.note(other.module.path, other.own_fields[name].node.lineno,
                          f"dataclass `{other.name}` re-declares `{name}` as its own field", "observes")
            slots = member_facts(other).slots if other.kind is not None else None
            if slots is not None and any(isinstance(n, ast.Constant) and n.value == name for n in ast.walk(slots)):
                self.note(other.module.path, other.node.lineno, f"`{other.name}.__slots__` names `{name}`", "breaks")
        for path, text in self.unparsable.items():
            if name in text:
                self.note(path, 1, "this file names the class but cannot be parsed", "observes")
        for path, (names_family, text) in self.unparsable_searched.items():
            if names_family or name_pattern.search(text):
                self.note(path, 1, "this file names the class or field but cannot be parsed", "observes")
        for uses in self.always:
            self._search_module(uses)
        for path in self._by_name(name, name_pattern):
            if path not in self.by_name_uses:
                module = self.project.module_at(path)
                if module is not None:
                    self._register(module)
                self.by_name_uses[path] = self._module_uses(module) if module is not None else None
            found = self.by_name_uses[path]
            if found is None:
                self.note(path, 1, "this file names the class or field but cannot be parsed", "observes")
            else:
                self._search_module(found)
        return self.evidence

    def _search_module(self, uses: _ModuleUses) -> None:
        name = self.name
        module = uses.module
        path = module.path
        for call, answer, supplied, keywords in uses.constructions:
            if name in keywords or any(
                kw.arg is None and isinstance(kw.value, ast.Dict)
                and any(isinstance(k, ast.Constant) and k.value == name for k in kw.value.keys)
                for kw in call.keywords
            ):
                self.note(path, call.lineno, f"a call passes `{name}=`", "breaks")
                self.intent.append(Evidence(path, call.lineno, f"a call passes `{name}=`", "breaks"))
                continue
            positional = supplied + len(call.args)
            if answer == "yes" and (positional > self.position or any(isinstance(a, ast.Starred) for a in call.args)):
                self.note(path, call.lineno, f"a call passes `{name}` by position", "breaks")
            elif answer == "maybe" and positional > self.position:
                self.note(path, call.lineno, "a call of a class that cannot be told may pass it by position", "observes")
            elif None in keywords and answer == "yes":
                self.note(path, call.lineno, "a call passes `**kwargs` that may hold it", "observes")
        forwarded: set[ast.Call] = set()
        for call in uses.by_keyword.get(name, ()):
            if self._forwards(module, call):
                self.note(path, call.lineno, f"a call passes `{name}=`", "breaks")
                self.intent.append(Evidence(path, call.lineno, f"a call passes `{name}=`", "breaks"))
                forwarded.add(call)
        for call in uses.whole_instance:
            if call not in forwarded:
                self._whole_instance(uses, call)
        for call in uses.setattrs:
            if call not in forwarded:
                self._setattr(module, call, self.slotted)
        for attribute in uses.writes.get(name, ()):
            self._write(module, attribute, self.slotted)
        for node, answer in uses.patterns:
            self._match(module, node, answer)

    def _own_writes(self, name: str, members: list[ClassModel]) -> None:
        """The family's own methods set ``self.NAME`` (or every field); a subclass binds it as a
        class attribute (TRD102's shape: meant as a constant)."""
        for member in members:
            facts = member_facts(member)
            writes = facts.writes
            where = writes.names.get(name) or writes.every_field
            if where is not None:
                what = f"`{member.name}.{where[0]}()` sets `self.{name}`" if name in writes.names else \
                    f"`{member.name}.{where[0]}()` sets every field of the instance"
                self.intent.append(Evidence(member.path, where[1], what, "observes"))
            if name in facts.overrides and not self.same(member, self.model):
                for stmt in facts.overrides[name]:
                    self.overrides.append(Evidence(member.path, stmt.lineno,
                                                   f"`{member.name}` sets `{name}` as a class attribute", "observes"))

    def _forwards(self, module: ModuleInfo, call: ast.Call) -> bool:
        known = self._forwards_cache.get(call)
        if known is None:
            known = self._forwards_cache[call] = self._forwards_to_family(module, call, self._qualified(module, call.func))
        return known

    def _forwards_to_family(self, module: ModuleInfo, call: ast.Call, qualified: str | None) -> bool:
        """``partial(cls, NAME=...)``, ``replace(obj, NAME=...)``, ``obj.evolve(NAME=...)``: the
        keywords reach the ``__init__`` of ``cls`` or of ``obj``'s class."""
        terminal = terminal_name(call.func)
        if qualified in ("functools.partial", "partial"):
            return bool(call.args) and self.callee(module, call.args[0])[0] != "no"
        if qualified in FORWARDERS or (isinstance(call.func, ast.Name) and terminal in REPLACERS):
            return not (call.args and self._unrelated_value(module, call.args[0]))
        if isinstance(call.func, ast.Attribute) and terminal in REPLACERS:
            return not self._unrelated_value(module, call.func.value)
        return False

    def _whole_instance(self, uses: _ModuleUses, call: ast.Call) -> None:
        module = uses.module
        if call.args and self._unrelated_value(module, call.args[0]):
            return
        # ``asdict(d)["NAME"]``: the key would be gone (KeyError); any other use sees one key less.
        keyed = self.name in uses.strings
        self.note(module.path, call.lineno, f"`{terminal_name(call.func)}()` of a value that may be an instance",
                  "breaks" if keyed else "observes")

    def _setattr(self, module: ModuleInfo, call: ast.Call, slotted: bool) -> None:
        args = call.args
        if len(args) < 2 or not (isinstance(args[1], ast.Constant) and args[1].value == self.name):
            return
        if self._unrelated_value(module, args[0]):
            return
        self.note(module.path, call.lineno, f"`{terminal_name(call.func)}(..., \"{self.name}\", ...)` writes an instance",
                  "breaks" if slotted else "observes")

    def _write(self, module: ModuleInfo, attribute: ast.Attribute, slotted: bool) -> None:
        value = attribute.value
        if isinstance(value, (ast.Name, ast.Attribute)):
            target = resolve_class(module, value)
            if target is not None:
                if self.related(target):
                    self.note(module.path, attribute.lineno, f"`{target.name}.{self.name}` is re-bound on the class", "observes")
                return
        if self._unrelated_value(module, value):
            return
        self.note(module.path, attribute.lineno, f"an instance's `{self.name}` is written",
                  "breaks" if slotted else "observes")

    def _match(self, module: ModuleInfo, node: ast.MatchClass, answer: Answer) -> None:
        if len(node.patterns) > self.position:
            self.note(module.path, node.lineno, "a `match` class pattern reads it by position",
                      "breaks" if answer == "yes" else "observes")
        elif self.name in node.kwd_attrs:
            self.note(module.path, node.lineno, f"a `match` class pattern reads `{self.name}=`", "observes")

    def _unrelated_value(self, module: ModuleInfo, expr: ast.expr) -> bool:
        if not self.grown:
            return self._judge_unrelated(module, expr)
        known = self._unrelated.get(expr)
        if known is None:
            known = self._unrelated[expr] = self._judge_unrelated(module, expr)
        return known

    def _judge_unrelated(self, module: ModuleInfo, expr: ast.expr) -> bool:
        """Whether ``expr`` is shown not to hold a family instance (nor one nested in a field)."""
        if isinstance(expr, ast.Name) and expr.id in ("self", "cls"):
            owner = self._owner_class(module, expr)
            return owner is not None and not self.related(owner) and not self._holds_family(owner)
        cls: ClassModel | None = None
        if isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Name, ast.Attribute)):
            cls = resolve_class(module, expr.func)
        elif isinstance(expr, ast.Name):
            cls = self._annotated_class(module, expr)
        return cls is not None and not self.related(cls) and not self._holds_family(cls)

    def _annotated_class(self, module: ModuleInfo, name: ast.Name) -> ClassModel | None:
        function = module.enclosing_function(name)
        if function is None:
            return None
        all_args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        for arg in all_args:
            if arg.arg == name.id and isinstance(arg.annotation, (ast.Name, ast.Attribute)):
                return resolve_class(module, arg.annotation)
        return None

    def _holds_family(self, cls: ClassModel) -> bool:
        words = {m.name for m in self.family} | {q.rpartition(".")[2] for q in self.aliases}
        for info in cls.fields_view().values():
            annotation = info.node.annotation if isinstance(info.node, ast.AnnAssign) else None
            if annotation is not None and any(
                isinstance(n, ast.Name) and n.id in words or isinstance(n, ast.Attribute) and n.attr in words
                for n in ast.walk(annotation)
            ):
                return True
        return False


def field_uses(model: ClassModel, name: str) -> FieldUses:
    """Everything in the project that could notice ``model.name`` stop being a field."""
    project = model.module.project
    marked = project_root(model.module)
    root = marked or (model.module.roots[0] if model.module.roots else model.module.path.parent)
    # Whatever the memo holds, this answer depends on the markers and ``pyproject.toml`` files
    # above the class's module, and on the files of the project its search read (the runner's cache).
    project.note_scan("markers", model.module.path.parent)
    try:
        result = _field_uses(model, name, root, marked)
    except BaseException:
        note_words(project, root, None)  # (what was read before the error is not known: all)
        raise
    search = cast("_Search | None", project.class_memo.get(("field-search", cast(ast.AST, model.node))))
    note_words(project, root, search.index if search is not None else None)
    return result


def _field_uses(model: ClassModel, name: str, root: Path, marked: Path | None) -> FieldUses:
    project = model.module.project
    memo = project.class_memo
    key = ("field-uses:" + name, cast(ast.AST, model.node))
    cached = memo.get(key)
    if cached is not None:
        return cast(FieldUses, cached)
    result = FieldUses(root=marked)
    if marked is None:
        if not model.name.startswith("_"):
            result.blind = f"no project marker above {root}: other code may import `{model.name}`"
    files = project_files(model.module.project, root)
    if files is None:
        result.blind = f"the project under {root} has more than {MAX_FILES} files"
    else:
        if not in_project_files(project, root, model.module.path):
            files = [model.module.path, *files]
        # The family, and what each file holds that may notice a field, are the same for every
        # field of the class: found once.
        search_key = ("field-search", cast(ast.AST, model.node))
        search = cast("_Search | None", memo.get(search_key))
        if search is None:
            search = _Search(model, files, root, project_files(model.module.project, root))
            search.grow_family()
            memo[search_key] = search  # only once grown: an error half-way is not remembered
        evidence = search.evidence_for(name)
        result.evidence = sorted(set(evidence), key=lambda e: (str(e.path), e.line, e.what))
        result.intent, result.overrides = list(search.intent), list(search.overrides)
        result.blind = result.blind or exported(model, root)
    memo[key] = result
    return result


def iter_evidence(uses: FieldUses) -> Iterator[str]:
    for evidence in uses.evidence:
        yield evidence.describe(uses.root)
