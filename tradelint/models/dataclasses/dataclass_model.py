"""Which classes are dataclass-like at runtime, and which names are their fields: first-party
modules and installed packages, each class maker judged by its code (`class_makers`)."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterator, Literal, Mapping, Sequence, cast

from tradelint.facts.class_body import (
    CLASSVAR,
    Kind,
    _has_default,
    _is_attrs_field,
    _is_field_callee,
    _not_a_field,
    _runtime_classvar,
    _terminal_name,
    AttrsMode,
    annotation_head,
    attrs_detect,
)
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.module_paths import is_stdlib
from tradelint.facts.summaries import FieldFacts, definition_of
from tradelint.facts.summary_data import ClassFacts, Definition, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.dataclasses.class_makers import (
    MAX_DEPTH,
    UNKNOWN,
    Effect,
    combine,
    expression_effect,
    function_effect,
    installed_path,
    is_installed_path,
    is_pydantic_model_name,
    is_transform_marked,
    metaclass_effect,
)

Binding = Literal["runtime", "type_checking"]
# The makers whose fields are known: what the runtime does with the class body is modelled.
KNOWN_KINDS = frozenset({"dataclass", "pydantic", "attrs"})


@dataclass(frozen=True, eq=False)
class FieldInfo:
    name: str
    line: int
    owner: ClassModel
    # Only a default is sure to shadow a subclass's class attribute: a required field is a
    # constructor argument, and ``field(init=False)`` without a default is never set.
    has_default: bool
    # The statement, when the owner was modelled from its tree; else found when asked (a fix).
    stmt: ast.AnnAssign | ast.Assign | None = None

    @property
    def node(self) -> ast.AnnAssign | ast.Assign:
        if self.stmt is not None:
            return self.stmt
        for stmt in self.owner.node.body:
            if isinstance(stmt, (ast.AnnAssign, ast.Assign)) and stmt.lineno == self.line:
                return stmt
        raise LookupError(f"no field {self.name!r} on line {self.line} of {self.owner.path}")


@dataclass(eq=False)
class ClassModel:
    """What a maker makes of one class. Modelled from the class's tree (``class_model``), or, for
    a base in a module the budget has forgotten, from plain data: the verdict recorded when it was
    modelled from its tree and its module's summary (``_model_from_facts``); then its module and
    node are parsed again only when asked for (a fix that edits the base, the field-use search)."""

    project: Project
    path: Path
    line: int
    name: str
    # What the runtime makes of this class body: a known maker's kind, "unknown" (a maker whose
    # effect is not modelled: nothing is claimed), or None (a plain class).
    kind: Kind | None = None
    attrs_mode: AttrsMode = "auto"
    # What every subclass goes through at creation (a metaclass, an ``__init_subclass__``).
    subclass_effect: Effect = None
    bases: list[ClassModel | None] = field(default_factory=list)
    own_fields: dict[str, FieldInfo] = field(default_factory=dict)
    tree_module: ModuleInfo | None = None
    tree_node: ast.ClassDef | None = None
    # ``all_fields`` once built (``_all``).
    _fields_memo: FieldView | None = field(default=None, repr=False)
    # What the field-use search reads of this class's own body (``field_uses._member_facts``).
    member_facts: object = field(default=None, repr=False)
    # ``family_index.lineage`` once walked.
    lineage_memo: Sequence[ClassModel] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, module: ModuleInfo, node: ast.ClassDef) -> ClassModel:
        return cls(module.project, module.path, node.lineno, node.name, tree_module=module, tree_node=node)

    @property
    def module(self) -> ModuleInfo:
        if self.tree_module is None:
            found = self.project.module_at(self.path)
            if found is None:
                raise LookupError(f"{self.path} can no longer be parsed")
            self.tree_module = found
        return self.tree_module

    @property
    def node(self) -> ast.ClassDef:
        if self.tree_node is None:
            for cls in self.module.index.classes:
                if cls.lineno == self.line and cls.name == self.name:
                    self.tree_node = cls
                    break
            else:
                raise LookupError(f"no class {self.name!r} on line {self.line} of {self.path}")
        return self.tree_node

    @property
    def installed(self) -> bool:
        return is_installed_path(self.project, self.path)

    @property
    def module_name(self) -> str | None:
        return self.project.locate(self.path)[0]

    def break_cycles(self) -> None:
        """Forgotten by the project's memo (``Project.forget_memos``): drop the links to fields
        and bases, which point back at models, so that reference counting frees them."""
        self.own_fields.clear()
        self.bases.clear()
        self._fields_memo = None
        self.member_facts = None
        self.lineage_memo = None

    @property
    def known(self) -> bool:
        return self.kind in KNOWN_KINDS

    def inherited_fields(self, _seen: frozenset[int] = frozenset()) -> dict[str, FieldInfo]:
        """Fields this class gets from its bases (nearest base first, as the MRO would)."""
        return dict(self.inherited_view(_seen))

    def inherited_view(self, _seen: frozenset[int] = frozenset()) -> Mapping[str, FieldInfo]:
        """``inherited_fields`` without the copy, not to be changed: with one base, its fields
        as they are kept (``_all``)."""
        bases = [b for b in self.bases if b is not None]
        if len(bases) == 1 and bases[0] is not self and id(bases[0]) not in _seen:
            return bases[0]._all(_seen | {id(self)})[0]
        return self._inherited(_seen)[0]

    def all_fields(self, _seen: frozenset[int] = frozenset()) -> dict[str, FieldInfo]:
        return dict(self._all(_seen)[0])

    def fields_view(self) -> Mapping[str, FieldInfo]:
        """``all_fields`` without the copy, not to be changed."""
        return self._all(frozenset())[0]

    def _inherited(self, seen: frozenset[int]) -> tuple[dict[str, FieldInfo], bool]:
        """The inherited fields (a new dict), and whether an inheritance cycle was cut on the way."""
        seen = seen | {id(self)}
        found: dict[str, FieldInfo] = {}
        cut = False
        for base in reversed(self.bases):
            if base is None:
                continue
            if id(base) in seen:
                cut = True  # a cycle (``class Cog(Cog)`` re-binding an imported name) ends here
                continue
            fields, base_cut = base._all(seen)
            cut = cut or base_cut
            found.update(fields)
        return found, cut

    def _all(self, seen: frozenset[int]) -> tuple[Mapping[str, FieldInfo], bool]:
        """Every field (a mapping shared with the memo: never changed by a caller), and whether
        a cycle was cut. Kept once no cycle was cut: the answer then does not depend on ``seen``.

        Issue 34: a chain of N classes made each class's fields a copy of its base's plus its
        own, N^2/2 entries in all. A class with one base and only new names now extends its
        base's ``FieldView`` in place when the base is the last to have extended it (a chain's
        classes share one store, each seeing its prefix); otherwise it gets its own. The bases
        are modelled first from the top of a single-base chain down, in a loop (a chain
        thousands deep must not recurse)."""
        if self.kind == "unknown":
            return {}, False  # its maker may have turned any inherited field into something else
        if self._fields_memo is not None:
            return self._fields_memo, False
        # The single-base chain above this class whose fields are not kept yet, nearest first.
        pending: list[ClassModel] = [self]
        met = set(seen) | {id(self)}
        current = self
        while True:
            bases = [b for b in current.bases if b is not None]
            if len(bases) != 1:
                break
            base = bases[0]
            if id(base) in met or base.kind == "unknown" or base._fields_memo is not None:
                break
            pending.append(base)
            met.add(id(base))
            current = base
        # The top one is asked as the recursion would have asked it (the classes below it in
        # ``seen``); each below it then finds its base's fields kept, whatever ``seen`` holds.
        found, cut = pending[-1]._own_all(seen | {id(m) for m in pending[:-1]})
        for model in reversed(pending[:-1]):
            if cut:
                break
            found, cut = model._own_all(seen)
        if cut:  # a cycle was cut: the answer depends on ``seen``, as it did
            found, cut = self._inherited(seen)
            found.update(self.own_fields)
        return found, cut

    def _own_all(self, seen: frozenset[int]) -> tuple[Mapping[str, FieldInfo], bool]:
        """``_all`` of this class, its single base's (if it has one) kept or computed by then."""
        if self.kind == "unknown":
            return {}, False
        if self._fields_memo is not None:
            return self._fields_memo, False
        bases = [b for b in self.bases if b is not None]
        if len(bases) == 1 and id(bases[0]) not in seen and bases[0] is not self:
            above, cut = bases[0]._all(seen | {id(self)})
            if not cut and isinstance(above, FieldView) and above.extendable(self.own_fields):
                view = self._fields_memo = above.extended(self.own_fields)
                return view, False
        found, cut = self._inherited(seen)
        found.update(self.own_fields)
        if cut:
            return found, cut
        view = self._fields_memo = FieldView.of(found)
        return view, False


class FieldView(Mapping[str, FieldInfo]):
    """A class's fields in order: the first ``length`` entries of a store shared down a chain of
    single-base classes (issue 34). A name's entry holds its place in the order, so a view
    answers for a name, and its position, in one look-up."""

    __slots__ = ("_length", "_store")

    def __init__(self, store: dict[str, tuple[int, FieldInfo]], length: int) -> None:
        self._store = store
        self._length = length

    @classmethod
    def of(cls, fields: dict[str, FieldInfo]) -> FieldView:
        return cls({name: (i, info) for i, (name, info) in enumerate(fields.items())}, len(fields))

    def extendable(self, own: dict[str, FieldInfo]) -> bool:
        """Whether ``own`` can be appended to the store for a subclass: no other class extended
        it past this view, and no name is re-declared (that keeps its place with a new value)."""
        store = self._store
        return len(store) == self._length and store.keys().isdisjoint(own)

    def extended(self, own: dict[str, FieldInfo]) -> FieldView:
        store = self._store
        for name, info in own.items():
            store[name] = (len(store), info)
        return FieldView(store, len(store))

    def __getitem__(self, name: str) -> FieldInfo:
        entry = self._store[name]
        if entry[0] >= self._length:
            raise KeyError(name)
        return entry[1]

    def get(self, name: str, default: FieldInfo | None = None) -> FieldInfo | None:  # type: ignore[override]
        entry = self._store.get(name)
        return entry[1] if entry is not None and entry[0] < self._length else default

    def __contains__(self, name: object) -> bool:
        entry = self._store.get(name) if isinstance(name, str) else None
        return entry is not None and entry[0] < self._length

    def position(self, name: str) -> int | None:
        """The name's place in the order (``list(fields).index(name)``), None when absent."""
        entry = self._store.get(name)
        return entry[0] if entry is not None and entry[0] < self._length else None

    def __iter__(self) -> Iterator[str]:
        return islice(self._store, self._length)

    def __len__(self) -> int:
        return self._length


def field_position(fields: Mapping[str, FieldInfo], name: str) -> int:
    """``name``'s place among a class's fields (``fields_view``), 0 when it is none of them."""
    if isinstance(fields, FieldView):
        return fields.position(name) or 0
    return list(fields).index(name) if name in fields else 0  # (a cycle cut: a dict of its own)


def resolve_class(module: ModuleInfo, expr: ast.AST) -> ClassModel | None:
    """A first-party class's model (what the other analyses ask for: no installed source)."""
    if isinstance(expr, ast.Name) and expr.id not in module.imports.names:
        stmt = module.top_level.get(expr.id)
        return class_model(module, stmt) if isinstance(stmt, ast.ClassDef) else None
    named = definition_of(module, expr)
    if named is None or named[1].kind != "class":
        return None  # known from the summaries, without parsing the module it names
    return _model_at(module.project, module.project.absolute(named[0].path), named[1].line)


def _base_model(module: ModuleInfo, expr: ast.AST) -> ClassModel | None:
    """A base class's model, first-party or from an installed package's source: its fields and
    its makers decide what the subclass is. Found from summaries (``class_makers.lookup``'s
    search, without parsing a module to read its names)."""
    if isinstance(expr, ast.Subscript):
        expr = expr.value  # ``Base[T]``
    if isinstance(expr, ast.Name) and expr.id not in module.imports.names:
        stmt = module.top_level.get(expr.id)
        return class_model(module, stmt) if isinstance(stmt, ast.ClassDef) else None
    qualified = module.imports.qualify(expr)
    found = _lookup_summary(module.project, qualified, module.roots) if qualified is not None else None
    if found is None or found[1].kind != "class":
        return None
    return _model_at(module.project, module.project.absolute(found[0].path), found[1].line)


def _lookup_summary(
    project: Project, qualified: str, roots: tuple[Path, ...], depth: int = 0
) -> tuple[ModuleSummary, Definition] | None:
    """What ``class_makers.lookup`` finds, read from summaries: first-party definitions through
    their re-exports, then a module of the project or of an installed package by its names (a
    module-level assignment is found as one, and is no class)."""
    if depth > MAX_DEPTH or "." not in qualified:
        return None
    found = project.resolve(qualified, roots)
    if found is not None:
        return found
    module_name, _, name = qualified.rpartition(".")
    path = project.find_path(module_name, roots) or installed_path(project, module_name)
    summary = project.summary(path) if path is not None else None
    if summary is None:
        return None
    definition = summary.definitions.get(name)
    if definition is not None:
        return summary, definition
    target = summary.imports.get(name)
    if target is not None and target != qualified:
        return _lookup_summary(project, target, project.locate(project.absolute(summary.path))[1], depth + 1)
    return None


# A class modelled from its tree leaves its verdict in ``Project.lasting`` under this kind: what
# its makers made of it (kind, attrs mode, what its subclasses go through) and where its bases'
# models are. With the summary of its module, that is all a subclass asks, tree forgotten or not.
VERDICT = "dataclass-model"
Place = tuple[str, int]  # a top-level class's path and line


@dataclass(frozen=True, slots=True)
class _Verdict:
    kind: Kind | None
    attrs_mode: AttrsMode
    subclass_effect: Effect
    bases: tuple[Place | None, ...]


_PLAIN = _Verdict(None, "auto", None, ())


def _model_at(project: Project, path: Path, line: int) -> ClassModel | None:
    """The model of the top-level class on ``line`` of ``path``: from its tree when it is kept,
    else from its verdict and its module's summary, else from its tree parsed again."""
    kept = project.kept(path)
    if kept is None:
        summary = project.summary(path)
        facts = summary.classes.get(line) if summary is not None else None
        if summary is None or facts is None:
            return None
        verdict = project.lasting.get((VERDICT, summary.path, summary.digest, line))
        if isinstance(verdict, _Verdict):
            return _model_from_facts(project, summary.path, facts, verdict)
        kept = project.module_at(path)
        if kept is None:
            return None
    for stmt in kept.top_level.values():
        if isinstance(stmt, ast.ClassDef) and stmt.lineno == line:
            return class_model(kept, stmt)
    return None


def _model_from_facts(project: Project, path: str, facts: ClassFacts, verdict: _Verdict) -> ClassModel:
    memo = project.class_memo
    key = (VERDICT, path, facts.line)
    cached = memo.get(key)
    if cached is not None:
        return cast(ClassModel, cached)
    model = ClassModel(project, Path(path), facts.line, facts.name, verdict.kind, verdict.attrs_mode,
                       verdict.subclass_effect)
    memo[key] = model
    for place in verdict.bases:
        model.bases.append(_model_at(project, project.absolute(place[0]), place[1]) if place is not None else None)
    if model.known:
        model.own_fields = fields_from_facts(model, facts.fields)
    return model


def class_model(module: ModuleInfo, node: ast.ClassDef) -> ClassModel:
    # In the project's memo, not a global one: a fix replaces a base class's module, and
    # ``Project.replace_source`` must drop every model built on the old one.
    memo = module.project.class_memo
    key = ("dataclass-model", node)
    cached = memo.get(key)
    if cached is not None:
        return cast(ClassModel, cached)
    model = ClassModel.of(module, node)
    memo[key] = model  # before resolving bases: inheritance cycles end here
    # Only a decorator marks a class (``is_transform_marked`` reads nothing else).
    marked = bool(node.decorator_list) and is_transform_marked(module, node)
    inherited: list[Effect] = []
    for expr in node.bases:
        head = expr.value if isinstance(expr, ast.Subscript) else expr
        qualified = module.imports.qualify(head)
        if is_pydantic_model_name(qualified):
            # pydantic models (not its dataclasses): UPPER_CASE settings fields are intended, and
            # their metaclass makes its own class; known by name, never followed.
            model.bases.append(None)
            inherited.append(UNKNOWN)
            continue
        base = _base_model(module, head)
        model.bases.append(base)
        if base is not None:
            inherited.append(base.subclass_effect)
        elif marked and not is_stdlib(qualified):
            # Marked, but what makes its subclasses dataclass-like is in code not found.
            inherited.append(UNKNOWN)
    metaclass = next((kw.value for kw in node.keywords if kw.arg == "metaclass"), None)
    meta = metaclass_effect(module, metaclass) if metaclass is not None else None
    # The class itself: its metaclass, its bases' ``__init_subclass__``, then its decorators.
    effects: list[Effect] = [meta, *inherited]
    for dec in reversed(node.decorator_list):
        effects.append(expression_effect(module, dec))
    own_hook: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for stmt in node.body:  # a loop, not a generator: this runs for every class of every module
        if isinstance(stmt, FUNCTION_NODES) and stmt.name == "__init_subclass__":
            own_hook = stmt
            break
    hook = function_effect(module, own_hook) if own_hook is not None else None
    model.subclass_effect = combine([meta, *inherited, hook])
    effect = combine(effects)
    if effect is not None:
        model.kind = effect.kind
        model.attrs_mode = effect.attrs_mode
        if model.kind == "attrs" and model.attrs_mode == "detect":
            model.attrs_mode = attrs_detect(module, node)
    if model.known:
        model.own_fields = _own_fields(model)
    if module.top_level.get(node.name) is node:
        # Only a top-level class is another module's base.
        # Most classes are plain and have no base: one object for all of them (the fields that
        # make a verdict equal to ``_PLAIN``, tested without building one first).
        if model.kind is None and model.attrs_mode == "auto" and model.subclass_effect is None and not model.bases:
            verdict = _PLAIN
        else:
            verdict = _Verdict(
                model.kind,
                model.attrs_mode,
                model.subclass_effect,
                tuple((str(b.path), b.line) if b is not None else None for b in model.bases),
            )
        module.project.lasting[(VERDICT, str(module.path), module.digest, node.lineno)] = verdict
    return model


def classvar_binding(module: ModuleInfo, annotation: ast.expr) -> Binding | None:
    """Whether an annotation is spelled ``ClassVar`` and whether that name exists when the class is
    made (what type checkers see; :func:`is_runtime_classvar` is what the maker sees)."""
    head = annotation_head(module, annotation)
    if head is None:
        return None
    qualified = module.imports.qualify(head)
    if qualified is None:
        # Unresolvable (star import, re-bound name): trust the spelling rather than cry wolf.
        return "runtime" if _terminal_name(head) == "ClassVar" else None
    if qualified not in CLASSVAR:
        return None
    root = module.imports.root_name(head)
    return "type_checking" if root in module.imports.type_checking_only else "runtime"


def is_runtime_classvar(module: ModuleInfo, annotation: ast.expr, kind: Kind | None) -> bool:
    """Whether the maker of ``kind`` treats this annotation as ``ClassVar`` (not a field)."""
    head = annotation_head(module, annotation)
    return head is not None and _runtime_classvar(module, annotation, head, kind)


def annotation_text(annotation: ast.expr) -> str:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value
    return ast.unparse(annotation)


def is_not_a_field(module: ModuleInfo, annotation: ast.expr, kind: Kind | None = "dataclass") -> bool:
    """``InitVar[...]`` and ``KW_ONLY`` are annotations that never make an instance field
    (stdlib and pydantic dataclasses; attrs knows neither)."""
    if kind == "attrs":
        return False
    head = annotation_head(module, annotation)
    return head is not None and _not_a_field(module, annotation, head)


def is_field_call(module: ModuleInfo, value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Call):
        return False
    return _is_field_callee(value, module.imports.qualify(value.func))


def _own_fields(model: ClassModel) -> dict[str, FieldInfo]:
    fields: dict[str, FieldInfo] = {}
    module = model.module
    explicit = model.kind == "attrs" and model.attrs_mode == "explicit"
    for stmt in model.node.body:
        if isinstance(stmt, ast.Assign):
            # Only attrs' explicit ``x = attr.ib()`` makes a field without an annotation.
            if explicit and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if _is_attrs_field(module, stmt.value):
                    name = stmt.targets[0].id
                    fields[name] = FieldInfo(name, stmt.lineno, model, _has_default(module, stmt.value), stmt)
            continue
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        if explicit and not _is_attrs_field(module, stmt.value):
            continue
        if is_runtime_classvar(module, stmt.annotation, model.kind) or is_not_a_field(
            module, stmt.annotation, model.kind
        ):
            continue
        fields[stmt.target.id] = FieldInfo(
            stmt.target.id, stmt.lineno, model, _has_default(module, stmt.value), stmt
        )
    return fields


def fields_from_facts(model: ClassModel, facts: tuple[FieldFacts, ...]) -> dict[str, FieldInfo]:
    """``_own_fields`` from the summary's facts: the same fields, without the class's tree."""
    fields: dict[str, FieldInfo] = {}
    explicit = model.kind == "attrs" and model.attrs_mode == "explicit"
    for fact in facts:
        if not fact.annotated:
            if explicit:
                fields[fact.name] = FieldInfo(fact.name, fact.line, model, fact.has_default)
            continue
        if explicit and not fact.attrs_field:
            continue
        if fact.attrs_classvar if model.kind == "attrs" else fact.not_a_field:
            continue
        fields[fact.name] = FieldInfo(fact.name, fact.line, model, fact.has_default)
    return fields


def is_upper_constant(name: str) -> bool:
    """``CACHE_KEY``, ``VERSION``, ``_TTL``: not one-letter names (``X: float`` is a coordinate)."""
    if name.startswith("__") and name.endswith("__"):
        return False
    core = name.strip("_")
    return len(core) >= 2 and core.upper() == core and any(c.isalpha() for c in core)


def declared_fields(module: ModuleInfo, node: ast.ClassDef) -> dict[str, FieldInfo]:
    """The fields a class body declares at runtime (none when its maker is not a known one)."""
    return class_model(module, node).own_fields


def constants_without_classvar(module: ModuleInfo, node: ast.ClassDef) -> Iterator[ast.AnnAssign]:
    """TRD101's statements: ``NAME: T = value`` that the class's maker makes an instance field.

    Only a known maker: under an unknown one (a framework's own), nothing is claimed."""
    model = class_model(module, node)
    if not model.known:
        return
    for stmt in node.body:
        if not (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
            and is_upper_constant(stmt.target.id)
        ):
            continue
        info = model.own_fields.get(stmt.target.id)
        if info is None or info.node is not stmt:
            continue  # not a field at runtime (ClassVar, InitVar, attrs without auto_attribs)
        if classvar_binding(module, stmt.annotation) is not None:
            continue  # spelled ClassVar: a TYPE_CHECKING-only one is TRD103
        if is_field_call(module, stmt.value):
            continue  # explicitly a field
        yield stmt


def classvars_unbound_at_runtime(module: ModuleInfo, node: ast.ClassDef) -> Iterator[ast.AnnAssign]:
    """TRD103's statements: in a stdlib dataclass, ``ClassVar`` annotations that dataclasses reads
    as text and looks up in the module, where only ``TYPE_CHECKING`` imported it."""
    if class_model(module, node).kind != "dataclass":
        return
    deferred = module.index.future_annotations
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        if not (deferred or isinstance(stmt.annotation, ast.Constant)):
            continue  # evaluated eagerly, it fails with NameError at import: not silent
        if classvar_binding(module, stmt.annotation) == "type_checking":
            yield stmt


def overriding_assignments(node: ast.ClassDef, *, redecorated: bool) -> Iterator[tuple[ast.stmt, str]]:
    """TRD102's candidates: names a subclass body sets that could be inherited fields."""
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    yield stmt, target.id
        # A dataclass subclass that re-annotates declares a real new default; an undecorated one does not.
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and not redecorated:
            if isinstance(stmt.target, ast.Name):
                yield stmt, stmt.target.id


def overridden_fields(module: ModuleInfo, node: ast.ClassDef) -> Iterator[tuple[ast.stmt, str, FieldInfo]]:
    """TRD102's findings: a class attribute that instances never see, because an inherited
    field's default is assigned by ``__init__``.

    Not in a class whose own maker is unknown (it may take the value as the new default), and a
    re-annotation counts as a new default only where the class's maker makes it a field."""
    model = class_model(module, node)
    if model.kind == "unknown":
        return
    inherited = model.inherited_view()
    if not inherited:
        return
    # attrs without ``auto_attribs`` ignores a re-annotation: only ``attr.ib()`` is a new default.
    redecorated = model.known and not (model.kind == "attrs" and model.attrs_mode == "explicit")
    for stmt, name in overriding_assignments(node, redecorated=redecorated):
        info = inherited.get(name)
        if info is None or not info.has_default:
            continue
        if model.known and name in model.own_fields and model.own_fields[name].node is stmt:
            continue  # a field of this class too: its own new default (attrs' ``x = attr.ib(...)``)
        yield stmt, name, info


def field_location(info: FieldInfo, from_path: Path) -> str:
    """Where a base's field is, for a message about a subclass in ``from_path``: empty in the same
    file, a relative path in the project, the import path in an installed package."""
    base = info.owner
    path = base.path
    if os.path.abspath(path) == os.path.abspath(from_path):
        return ""
    module_name = base.module_name
    if base.installed and module_name:
        stem = "/__init__" if path.name == "__init__.py" else ""
        return f" ({module_name.replace('.', '/')}{stem}{path.suffix}:{info.line})"
    try:
        return f" ({os.path.relpath(path, Path(from_path).parent)}:{info.line})"
    except ValueError:
        return f" ({path}:{info.line})"
