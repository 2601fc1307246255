"""What an installed library's classes really have, read from their source or stubs.

The package is located with ``importlib.util.find_spec`` on its top-level name only (that never
imports it), then its modules are found as files, ``.pyi`` stubs first (a ``<name>-stubs``
distribution before the package itself), and parsed like first-party code: nothing of the library
is executed. A class's members are what its body and its bases define (methods, properties,
class attributes and annotations, nested classes, ``__slots__``, and every ``x.name = ...`` its
methods store), or None when the class is open: ``__getattr__``/``__getattribute__``, ``setattr``
or ``__dict__`` in it, a metaclass, a decorator that may add names, an abstract or protocol base,
or a base that cannot be read. A first-party module, a standard-library one or a package that is
not installed gives None: the rules built on this stay silent there. A standard-library base is
read the same way, from the interpreter's own source or typeshed's stub (``library_source``):
importing it would run whatever shadows it on ``sys.path`` (a project's own ``asyncio.py``).
"""

from __future__ import annotations

import ast
import builtins
import sys
import types
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.library_source import (
    library_class,
    library_function,
    library_module,
    module_file,
    stdlib_class,
)
from tradelint.facts.syntax import FUNCTION_NODES, base_class

__all__ = ["class_members", "library_class", "library_function", "library_members", "library_module", "module_file", "version_of"]

MAX_DEPTH = 12
HARMLESS_DECORATORS = {
    "dataclasses.dataclass", "functools.total_ordering", "typing.final", "typing_extensions.final",
    "typing.runtime_checkable", "typing_extensions.runtime_checkable", "typing.type_check_only",
    "attr.s", "attr.attrs", "attrs.define", "attrs.frozen", "attrs.mutable", "attr.define", "attr.frozen",
    # typeshed's own markers: they add no member a caller could read.
    "typing_extensions.disjoint_base", "typing.disjoint_base", "typing_extensions.deprecated", "warnings.deprecated",
}
# Bases that declare what subclasses have at least (an interface), or build members at runtime.
OPEN_BASES = {
    "abc.ABC", "typing.Protocol", "typing_extensions.Protocol", "enum.Enum", "enum.IntEnum",
    "enum.StrEnum", "enum.Flag", "enum.IntFlag", "typing.TypedDict", "typing_extensions.TypedDict",
}
GENERIC_BASES = {"typing.Generic", "typing_extensions.Generic", "builtins.object"}
NAMED_TUPLE = {"typing.NamedTuple", "typing_extensions.NamedTuple"}
NAMED_TUPLE_MEMBERS = frozenset(dir(tuple)) | {"_fields", "_field_defaults", "_asdict", "_replace", "_make"}
DYNAMIC_CALLS = {"setattr", "vars", "__setattr__"}
DYNAMIC_LOOKUP = {"__getattr__", "__getattribute__"}
OBJECT_NAMES = frozenset(dir(object)) | {"__dict__", "__weakref__", "__slots__", "__annotations__", "__module__"}


_MEMBERS: dict[tuple[str, int, str], frozenset[str] | None] = {}


def class_members(project: Project, module: ModuleInfo, cls: ast.ClassDef, depth: int = 0) -> frozenset[str] | None:
    """Every name the class and its bases define, or None when the class is open."""
    key = (str(module.path), cls.lineno, cls.name)
    if key in _MEMBERS:
        return _MEMBERS[key]
    _MEMBERS[key] = None  # an inheritance cycle ends here, open
    found = _members(project, module, cls, depth)
    _MEMBERS[key] = found
    return found


def _members(project: Project, module: ModuleInfo, cls: ast.ClassDef, depth: int) -> frozenset[str] | None:
    if depth > MAX_DEPTH or any(k.arg == "metaclass" for k in cls.keywords):
        return None
    for dec in cls.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if module.qualify(target) not in HARMLESS_DECORATORS:
            return None
    names: set[str] = set(OBJECT_NAMES)
    for base in cls.bases:
        inherited = _base_members(project, module, base, depth)
        if inherited is None:
            return None
        names |= inherited
    for stmt in _class_statements(cls.body):
        if isinstance(stmt, FUNCTION_NODES):
            if stmt.name in DYNAMIC_LOOKUP:
                return None
            if any(ast.unparse(d).rpartition(".")[2] == "abstractmethod" for d in stmt.decorator_list):
                return None
            names.add(stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                if isinstance(target, ast.Name) and target.id == "__slots__" and stmt.value is not None:
                    names |= {
                        e.value for e in ast.walk(stmt.value) if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    }
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
    # ``timedelta.max = timedelta(...)`` after the class, at module level.
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == cls.name:
                    names.add(target.attr)
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute):
            if node.attr == "__dict__":
                return None
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.attr)
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if called in DYNAMIC_CALLS:
                return None
    return frozenset(names)


def _class_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """A class body's statements, inside ``if``/``try``/``with`` too (``if TYPE_CHECKING:``,
    version checks): a name defined on either branch counts as defined."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _class_statements(stmt.body)
            yield from _class_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers)):
                yield from _class_statements(block)
        elif isinstance(stmt, (ast.With, ast.For, ast.While)):
            yield from _class_statements(stmt.body)


def _base_members(project: Project, module: ModuleInfo, base: ast.expr, depth: int) -> frozenset[str] | None:
    head = base_class(base)
    if isinstance(head, ast.Name) and head.id not in module.imports.names and head.id not in module.top_level:
        builtin = getattr(builtins, head.id, None)
        if isinstance(builtin, type):
            return frozenset() if builtin is object else _runtime_members(builtin)
        return None
    qualified = module.qualify(head)
    if qualified is None:
        return None
    if qualified in GENERIC_BASES:
        return frozenset()
    if qualified in NAMED_TUPLE:
        return NAMED_TUPLE_MEMBERS
    if qualified in OPEN_BASES:
        return None
    if qualified.split(".", 1)[0] in sys.stdlib_module_names:
        found = stdlib_class(project, qualified)
    else:
        found = library_class(project, qualified)
    if found is None:
        return None
    inherited = class_members(project, found[0], found[1], depth + 1)
    if inherited is None:
        return None
    # A base's ``self.__x`` is ``_Base__x``: a subclass cannot reach it as ``self.__x``.
    return frozenset(n for n in inherited if not (n.startswith("__") and not n.endswith("__")))


def _runtime_members(owner: type) -> frozenset[str] | None:
    # C types carry a ``__getattribute__`` slot wrapper that looks names up as ``object`` does;
    # only one written in Python can make names up.
    if any(
        isinstance(vars(klass).get(name), types.FunctionType) for klass in owner.__mro__ for name in DYNAMIC_LOOKUP
    ):
        return None
    return frozenset(dir(owner))


def library_members(type_name: str, roots: tuple[Path, ...], project: Project | None = None) -> frozenset[str] | None:
    """The members of the installed class ``type_name``, or None (not installed, not a class, open)."""
    shared = project is None
    project = project or _shared_project()
    found = library_class(project, type_name, roots)
    members = None if found is None else class_members(project, found[0], found[1])
    if shared:
        # The shared project serves one question at a time, and only names leave it: each answer
        # is a file's end, where past its budget it forgets modules (installed packages are large).
        project.end_file()
    return members


@lru_cache(maxsize=1)
def _shared_project() -> Project:
    return Project()


@lru_cache(maxsize=None)
def installed_release(module: str) -> tuple[str, str] | None:
    """(distribution, version) installed for a top-level module, read from its metadata (never
    imported); None when no distribution provides it."""
    import importlib.metadata

    try:
        names = importlib.metadata.packages_distributions().get(module, [])
        return (names[0], importlib.metadata.version(names[0])) if names else None
    except Exception:  # broken metadata must not stop a check
        return None


def version_of(module: str) -> str | None:
    """The installed version of the distribution that provides a top-level module."""
    found = installed_release(module)
    return f"{found[0]} {found[1]}" if found else None
