"""What a module summary holds, as plain data: its definitions, its classes' facts (methods,
acquisitions, releases, fields), and their JSON form for the cache. ``summaries`` builds them from
a parsed module; ``context.Project`` keeps them past the trees.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Literal, cast

# A class reference as a module names it: ("local", "Name") for a top-level class of the same
# module, ("qualified", "pkg.mod.Name") through an import.
Ref = tuple[str, str]


REF_KINDS = ("local", "qualified", "maker", "class_maker", "method")


@dataclass(frozen=True, slots=True)
class MethodFacts:
    name: str
    is_async: bool
    line: int
    # ``self.attr.<release-like>(...)``, ``async with self.attr``, ``stack.push_async_callback(
    # self.attr.close)``: (attr, the method named, or "with").
    releases: frozenset[tuple[str, str]]
    # Methods called on ``self`` (a release method often delegates to a helper).
    self_calls: frozenset[str]
    # Parameters without a default: a release method needs none (``stop_tracking_order(oid)``
    # is not one).
    required: int = 0
    # Whether a release-named method ends anything (:func:`_ends_something`); False for the
    # other methods, which are not looked at.
    ends: bool = False
    # The ``releases`` called as a bare statement, their result dropped (``self.s.close()``): a
    # coroutine close called so never runs.
    dropped: frozenset[tuple[str, str]] = frozenset()
    # Release-like methods of ``self`` called in a ``finally`` of this method (not in a function
    # it defines): whatever happens in it, it ends the instance (``start()`` whose ``finally``
    # calls ``self._cleanup()``), so a call of it is a close.
    finally_releases: frozenset[str] = frozenset()
    # Methods of a base that a release-like method runs as its own part (``await
    # super().__aexit__(*exc)``, ``Base.close(self)``): an override that does not name its base's
    # release replaces it.
    extends: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Acquisition:
    attr: str
    ref: Ref  # the callee of ``self.attr = Callee(...)``
    method: str
    line: int


@dataclass(frozen=True, slots=True)
class AttrsInit:
    """The ``__init__`` an attrs maker generates, as far as the class's own body tells: whether
    the class says ``kw_only=True``, its own fields taken positionally (in order), and whether its
    maker collects inherited fields in MRO order (``attrs.define``; not classic ``attr.s``). The
    positions of a class with bases depend on theirs (``facts.attrs_init``)."""

    kw_only: bool
    positional: tuple[str, ...]
    by_mro: bool


@dataclass(frozen=True, slots=True)
class ClassFacts:
    name: str
    line: int
    bases: tuple[Ref, ...]
    methods: dict[str, MethodFacts]
    acquisitions: tuple[Acquisition, ...]
    # ``self.attr = param`` in a method: param name -> attr, and positional index -> attr
    # (``self`` not counted) for ``__init__``.
    stored_params: dict[str, str] = field(default_factory=dict)
    stored_positions: dict[int, str] = field(default_factory=dict)
    # Class and static methods that return a new instance (``return cls(...)``, or a local made
    # so): ``await Provider.create()`` makes a ``Provider`` as its constructor would.
    factories: frozenset[str] = frozenset()
    # The statements of the body that can be dataclass fields, in order.
    fields: tuple[FieldFacts, ...] = ()
    # Whether ``<x>.cancel(...)`` is called between its first and last line: a class that cancels
    # nothing owns no tasks (TRD303's task owners).
    cancels: bool = False
    # Every ``name.attr`` between its first and last line, by ``attr``: a base that never names
    # ``self.attr`` says nothing about it, and its tree is not needed to tell. Sorted, searched by
    # bisection: kept for every class summarised, a frozenset was 8.3 MB over the corpus's 10,390
    # classes, a fifth of their summaries (a hash table of 16 bytes a slot, most slots empty); a
    # tuple takes 8 bytes a name.
    attributes: tuple[str, ...] = ()
    # ``@property def client(self): return self._client`` (also through a local or a walrus):
    # property name -> the attribute it returns. A release of ``self.client`` releases ``_client``.
    properties: dict[str, str] = field(default_factory=dict)
    # ``self.attr = [await] <value>.<method>(...)`` on a value other than the instance and no
    # import (``self._ws = await self._session.ws_connect(url)``): ``("method", name)``, what it
    # makes the resource analysis says (a library maker on a receiver of the maker's class).
    made: tuple[Acquisition, ...] = ()
    # Set when an attrs maker generates the class's ``__init__``.
    attrs: AttrsInit | None = None
    # What the class adds to a collection on ``self`` that a release-like method of its own ends
    # element by element (``self._clients[key] = Client(...)``; ``facts.element_owners``), and
    # those ends: (method, collection, release called on each element, awaited).
    elements: tuple[Acquisition, ...] = ()
    element_ends: tuple[tuple[str, str, str, bool], ...] = ()

    def names(self, attr: str) -> bool:
        """Whether the class can say anything about ``attr``: as ``self.attr`` in its code, a
        method of that name, or a class-level annotation."""
        attributes = self.attributes
        at = bisect_left(attributes, attr)
        return (
            at < len(attributes) and attributes[at] == attr
            or attr in self.methods
            or any(f.name == attr for f in self.fields)
        )


DefinitionKind = Literal["class", "function", "async_function", "assign"]


DEFINITION_KINDS: tuple[DefinitionKind, ...] = ("class", "function", "async_function", "assign")


@dataclass(frozen=True, slots=True)
class Definition:
    """A top-level name: a class or function (also inside a module-level ``if``/``try``; the last
    one wins, as at runtime), or else a module-level ``name = value``."""

    name: str
    kind: DefinitionKind
    line: int


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    path: str
    # sha256 of the text the tree was parsed from (:func:`content_digest`).
    digest: str
    module_name: str | None
    is_package: bool
    definitions: dict[str, Definition]
    # ``ImportMap.names``: local name -> dotted name; and the names bound only under
    # ``if TYPE_CHECKING:``.
    imports: dict[str, str]
    type_checking_only: frozenset[str]
    # Whether any task-creating API is named (``Index.mentions_tasks``): only such a module can
    # hold a task wrapper.
    mentions_tasks: bool
    # Ownership facts of every class of the module (nested ones too), by the line of its
    # ``class`` statement.
    classes: dict[int, ClassFacts]

    def defined(self, name: str) -> Definition | None:
        """The class or function ``name`` is at module level (``ModuleInfo.top_level``)."""
        found = self.definitions.get(name)
        return found if found is not None and found.kind != "assign" else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (sets sorted, so that equal summaries give equal text)."""
        return {
            "path": self.path,
            "digest": self.digest,
            "module_name": self.module_name,
            "is_package": self.is_package,
            "definitions": {name: [d.kind, d.line] for name, d in self.definitions.items()},
            "imports": dict(self.imports),
            "type_checking_only": sorted(self.type_checking_only),
            "mentions_tasks": self.mentions_tasks,
            "classes": [_class_to_json(c) for c in self.classes.values()],
        }

    @classmethod
    def from_json(cls, data: object) -> ModuleSummary:
        """The summary ``to_json`` gave; :class:`SummaryError` for anything else (a key missing or
        extra, a value of the wrong type), never a partly trusted summary."""
        obj = _object(data, _SUMMARY_KEYS, "summary")
        definitions: dict[str, Definition] = {}
        for name, value in _object(obj["definitions"], None, "definitions").items():
            kind, line = _pair(value, "definition")
            if kind not in DEFINITION_KINDS:
                raise SummaryError(f"definition {name!r}: unknown kind {kind!r}")
            definitions[name] = Definition(name, cast(DefinitionKind, kind), _line(line))
        imports = {name: _str(value, "import") for name, value in _object(obj["imports"], None, "imports").items()}
        classes: dict[int, ClassFacts] = {}
        for item in _list(obj["classes"], "classes"):
            facts = _class_from_json(item)
            if facts.line in classes:
                raise SummaryError(f"two classes on line {facts.line}")
            classes[facts.line] = facts
        module_name = obj["module_name"]
        return cls(
            _str(obj["path"], "path"),
            _digest(obj["digest"]),
            None if module_name is None else _str(module_name, "module_name"),
            _bool(obj["is_package"], "is_package"),
            definitions,
            imports,
            frozenset(_str(n, "type_checking_only") for n in _list(obj["type_checking_only"], "type_checking_only")),
            _bool(obj["mentions_tasks"], "mentions_tasks"),
            classes,
        )


class SummaryError(ValueError):
    """A JSON summary that is not one :meth:`ModuleSummary.to_json` writes."""


# Most methods release nothing and call nothing on ``self`` that matters: an empty frozenset is
# 216 bytes, and CPython makes a new one each time.
_NONE: frozenset[str] = frozenset()


_NO_RELEASES: frozenset[tuple[str, str]] = frozenset()


_SUMMARY_KEYS = frozenset(
    {"path", "digest", "module_name", "is_package", "definitions", "imports", "type_checking_only",
     "mentions_tasks", "classes"}
)


_CLASS_KEYS = frozenset(
    {"name", "line", "bases", "methods", "acquisitions", "stored_params", "stored_positions", "factories",
     "fields", "cancels", "attributes", "properties", "made", "attrs",
     "elements", "element_ends"}
)


_HEX = re.compile(r"^[0-9a-f]{64}$")


def _class_to_json(facts: ClassFacts) -> dict[str, Any]:
    # Methods and acquisitions as arrays: they are most of a summary, and keys would double it.
    return {
        "name": facts.name,
        "line": facts.line,
        "bases": [list(ref) for ref in facts.bases],
        "methods": [
            [m.name, m.is_async, m.line, sorted(list(r) for r in m.releases), sorted(m.self_calls), m.required, m.ends,
             sorted(list(r) for r in m.dropped), sorted(m.finally_releases), sorted(m.extends)]
            for m in facts.methods.values()
        ],
        "acquisitions": [[a.attr, list(a.ref), a.method, a.line] for a in facts.acquisitions],
        "stored_params": dict(facts.stored_params),
        "stored_positions": [[position, attr] for position, attr in facts.stored_positions.items()],
        "factories": sorted(facts.factories),
        "fields": [
            [f.name, f.line, f.annotated, f.attrs_field, f.has_default, f.attrs_classvar, f.not_a_field]
            for f in facts.fields
        ],
        "cancels": facts.cancels,
        "attributes": sorted(facts.attributes),
        "properties": dict(facts.properties),
        "made": [[a.attr, list(a.ref), a.method, a.line] for a in facts.made],
        "attrs": None if facts.attrs is None else [facts.attrs.kw_only, list(facts.attrs.positional), facts.attrs.by_mro],
        "elements": [[a.attr, list(a.ref), a.method, a.line] for a in facts.elements],
        "element_ends": [list(end) for end in facts.element_ends],
    }


def _class_from_json(data: object) -> ClassFacts:
    obj = _object(data, _CLASS_KEYS, "class")
    methods: dict[str, MethodFacts] = {}
    for item in _list(obj["methods"], "methods"):
        name, is_async, line, releases, self_calls, required, ends, dropped, finally_releases, extends = _items(item, 10, "method")
        method = MethodFacts(
            _str(name, "method name"),
            _bool(is_async, "is_async"),
            _line(line),
            frozenset(_str_pair(r, "release") for r in _list(releases, "releases")) or _NO_RELEASES,
            frozenset(_str(n, "self_calls") for n in _list(self_calls, "self_calls")) or _NONE,
            _line(required),
            _bool(ends, "ends"),
            frozenset(_str_pair(r, "dropped") for r in _list(dropped, "dropped")) or _NO_RELEASES,
            frozenset(_str(n, "finally_releases") for n in _list(finally_releases, "finally_releases")) or _NONE,
            frozenset(_str(n, "extends") for n in _list(extends, "extends")) or _NONE,
        )
        if method.name in methods:
            raise SummaryError(f"method {method.name!r} twice")
        methods[method.name] = method
    acquisitions = _acquisitions(obj["acquisitions"], "acquisitions")
    positions: dict[int, str] = {}
    for item in _list(obj["stored_positions"], "stored_positions"):
        position, attr = _pair(item, "stored position")
        positions[_line(position)] = _str(attr, "stored position")
    fields = []
    for item in _list(obj["fields"], "fields"):
        name, line, *flags = _items(item, 7, "field")
        annotated, attrs_field, has_default, attrs_classvar, not_a_field = (_bool(f, "field flag") for f in flags)
        fields.append(
            FieldFacts(_str(name, "field name"), _line(line), annotated, attrs_field, has_default, attrs_classvar,
                       not_a_field)
        )
    return ClassFacts(
        _str(obj["name"], "class name"),
        _line(obj["line"]),
        tuple(_ref_json(ref) for ref in _list(obj["bases"], "bases")),
        methods,
        tuple(acquisitions),
        {k: _str(v, "stored param") for k, v in _object(obj["stored_params"], None, "stored_params").items()},
        positions,
        frozenset(_str(n, "factories") for n in _list(obj["factories"], "factories")) or _NONE,
        tuple(fields),
        _bool(obj["cancels"], "cancels"),
        tuple(sorted({_str(n, "attributes") for n in _list(obj["attributes"], "attributes")})),
        {k: _str(v, "property") for k, v in _object(obj["properties"], None, "properties").items()},
        tuple(_acquisitions(obj["made"], "made")),
        _attrs_json(obj["attrs"]),
        tuple(_acquisitions(obj["elements"], "elements")),
        tuple(_element_end(end) for end in _list(obj["element_ends"], "element_ends")),
    )


def _element_end(data: object) -> tuple[str, str, str, bool]:
    method, attr, release, awaited = _items(data, 4, "element end")
    return _str(method, "method"), _str(attr, "attr"), _str(release, "release"), _bool(awaited, "awaited")


def _attrs_json(data: object) -> AttrsInit | None:
    if data is None:
        return None
    kw_only, positional, by_mro = _items(data, 3, "attrs")
    return AttrsInit(
        _bool(kw_only, "attrs kw_only"), tuple(_str(n, "attrs field") for n in _list(positional, "attrs")),
        _bool(by_mro, "attrs by_mro"),
    )


def _acquisitions(data: object, what: str) -> list[Acquisition]:
    found = []
    for item in _list(data, what):
        attr, ref, method_name, line = _items(item, 4, "acquisition")
        found.append(Acquisition(_str(attr, "attr"), _ref_json(ref), _str(method_name, "method"), _line(line)))
    return found


def _object(data: object, keys: frozenset[str] | None, what: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise SummaryError(f"{what}: expected an object")
    if keys is not None and set(data) != keys:
        raise SummaryError(f"{what}: keys {sorted(data)}, expected {sorted(keys)}")
    return cast("dict[str, Any]", data)


def _list(data: object, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise SummaryError(f"{what}: expected a list")
    return data


def _items(data: object, count: int, what: str) -> list[Any]:
    items = _list(data, what)
    if len(items) != count:
        raise SummaryError(f"{what}: expected {count} items")
    return items


def _pair(data: object, what: str) -> tuple[Any, Any]:
    first, second = _items(data, 2, what)
    return first, second


def _str_pair(data: object, what: str) -> tuple[str, str]:
    first, second = _pair(data, what)
    return _str(first, what), _str(second, what)


def _ref_json(data: object) -> Ref:
    kind, name = _str_pair(data, "ref")
    if kind not in REF_KINDS:
        raise SummaryError(f"ref: unknown kind {kind!r}")
    return kind, name


def _str(data: object, what: str) -> str:
    if not isinstance(data, str):
        raise SummaryError(f"{what}: expected a string")
    return data


def _bool(data: object, what: str) -> bool:
    if not isinstance(data, bool):
        raise SummaryError(f"{what}: expected true or false")
    return data


def _line(data: object) -> int:
    # bool is an int in Python, not in JSON.
    if isinstance(data, bool) or not isinstance(data, int) or data < 0:
        raise SummaryError(f"expected a non-negative integer, not {data!r}")
    return data


def _digest(data: object) -> str:
    text = _str(data, "digest")
    if not _HEX.match(text):
        raise SummaryError("digest: expected 64 hexadecimal digits")
    return text


@dataclass(frozen=True, slots=True)
class FieldFacts:
    """A class-body statement that can declare a dataclass field (``name: T [= v]``, or attrs'
    ``name = attr.ib()``), judged with the module's imports only: which of them are fields is
    decided by the class's maker (``dataclass_model.fields_from_facts``)."""

    name: str
    line: int
    annotated: bool  # ``name: T``; else attrs' ``name = attr.ib()``
    attrs_field: bool  # the value is ``attrs.field()``/``attr.ib()``
    has_default: bool
    attrs_classvar: bool  # attrs takes the annotation for ``ClassVar`` (it reads its text)
    not_a_field: bool  # the other makers take it for ``ClassVar``, ``InitVar`` or ``KW_ONLY``
