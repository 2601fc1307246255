"""Every attribute a first-party class can have, or None when that cannot be known statically.

Used by TRD403 (did-you-mean): an access is only worth reporting when the class's attributes are
all visible: no unknown base, no ``__getattr__``/``__getattribute__``, no dynamic ``setattr`` or
``__dict__`` writes, no metaclass or class decorator that may add names, ``__slots__`` a literal.
"""

from __future__ import annotations

import ast
import difflib

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, base_class
from tradelint.models.renames.receiver_types import find_class

HARMLESS_BASES = {"typing.Generic", "typing_extensions.Generic"}
# An abstract class or a protocol declares what its subclasses (or any conforming object) have at
# least, not everything they have: `conn: ConnectionInterface` may well have `_get_parser`.
OPEN_BASES = {"abc.ABC", "typing.Protocol", "typing_extensions.Protocol"}
# Decorators that add no attribute a program would read by a plain name.
HARMLESS_DECORATORS = {
    "dataclasses.dataclass", "functools.total_ordering", "typing.final", "typing_extensions.final",
    "typing.runtime_checkable", "typing_extensions.runtime_checkable",
}
DYNAMIC_CALLS = {"setattr", "vars", "__setattr__"}
DYNAMIC_LOOKUP = {"__getattr__", "__getattribute__"}
OBJECT_NAMES = set(dir(object)) | {"__dict__", "__weakref__", "__slots__", "__annotations__"}
MAX_DEPTH = 10
# A shorter name is too close to too many others for a suggestion to mean anything.
MIN_LENGTH = 4


def known_members(module: ModuleInfo, cls: ast.ClassDef, depth: int = 0) -> frozenset[str] | None:
    key = ("class-members", cls)
    memo = module.project.class_memo
    if key in memo:
        cached = memo[key]
        return cached if isinstance(cached, frozenset) else None
    memo[key] = None  # an inheritance cycle ends here, unknown
    found = _members(module, cls, depth)
    memo[key] = found
    return found


def _members(module: ModuleInfo, cls: ast.ClassDef, depth: int) -> frozenset[str] | None:
    if depth > MAX_DEPTH or cls.keywords:
        return None
    for dec in cls.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if module.qualify(target) not in HARMLESS_DECORATORS:
            return None
    names: set[str] = set(OBJECT_NAMES)
    for base in cls.bases:
        head = base_class(base)
        if isinstance(head, ast.Name) and head.id == "object" and "object" not in module.imports.names:
            continue
        qualified = module.qualify(head)
        if qualified in HARMLESS_BASES:
            continue
        if qualified in OPEN_BASES:
            return None
        found = find_class(module, qualified) if qualified is not None else None
        if found is None:
            return None
        inherited = known_members(found[0], found[1], depth + 1)
        if inherited is None:
            return None
        # A base's ``self.__x`` is ``_Base__x``: a subclass cannot reach it as ``self.__x``.
        names |= {n for n in inherited if not (n.startswith("__") and not n.endswith("__"))}
    for stmt in cls.body:
        if isinstance(stmt, FUNCTION_NODES) and any(
            ast.unparse(d).rpartition(".")[2] == "abstractmethod" for d in stmt.decorator_list
        ):
            return None
        if isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        names.add(node.id)
            if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                slots = _literal_strings(stmt.value)
                if slots is None:
                    return None
                names |= slots
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
        elif not isinstance(stmt, (ast.Expr, ast.Pass)):
            # Definitions under if/try/for in a class body: too rare to model, too easy to miss.
            return None
    if any(isinstance(stmt, FUNCTION_NODES) and stmt.name in DYNAMIC_LOOKUP for stmt in cls.body):
        return None
    stores = _attribute_stores(module).get(cls, frozenset())
    if stores is None:
        return None
    return frozenset(names | stores)


def _attribute_stores(module: ModuleInfo) -> dict[ast.AST, frozenset[str] | None]:
    """Per class of the module: the attribute names stored anywhere inside it (``x.name = ...``),
    or None when it reads ``__dict__`` or calls ``setattr``/``vars`` anywhere inside it.

    Found from the module index, up from each store and each dynamic access to the classes around
    it: walking every class instead was most of the cost of TRD403.
    """
    key = ("class-attribute-stores", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if isinstance(found, dict):
        return found
    parents = module.index.parents
    stores: dict[ast.AST, set[str]] = {}
    dynamic: set[ast.AST] = set()
    for attribute in module.index.attributes:
        is_dynamic = attribute.attr == "__dict__"
        if is_dynamic or isinstance(attribute.ctx, ast.Store):
            for cls in _classes_around(attribute, parents):
                if is_dynamic:
                    dynamic.add(cls)
                else:
                    stores.setdefault(cls, set()).add(attribute.attr)
    for call in module.index.calls:
        func = call.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if called in DYNAMIC_CALLS:
            dynamic.update(_classes_around(call, parents))
    result: dict[ast.AST, frozenset[str] | None] = {cls: frozenset(names) for cls, names in stores.items()}
    result.update(dict.fromkeys(dynamic))
    memo[key] = result
    return result


def _classes_around(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[ast.AST]:
    found: list[ast.AST] = []
    current = parents.get(node)
    while current is not None:
        if isinstance(current, ast.ClassDef):
            found.append(current)
        current = parents.get(current)
    return found


def _literal_strings(value: ast.expr | None) -> set[str] | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
    ):
        return {str(e.value) for e in value.elts if isinstance(e, ast.Constant)}
    return None


def _normal(name: str) -> str:
    return name.replace("_", "").lower()


def close_match(name: str, members: frozenset[str]) -> str | None:
    """The one member ``name`` was most likely meant to be, or None."""
    if len(name) < MIN_LENGTH:
        return None
    candidates = [m for m in members if not (m.startswith("__") and m.endswith("__"))]
    same = [m for m in candidates if _normal(m) == _normal(name)]
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.85)
    if len(close) == 1 or (len(close) == 2 and _ratio(name, close[0]) > _ratio(name, close[1])):
        return close[0]
    return None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()
