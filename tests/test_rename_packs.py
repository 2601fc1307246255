"""Every rename pack entry, checked against the library it describes, as installed for the tests.

The test extra installs web3, eth-account, pydantic, pandas, numpy and ccxt; the README's test
command installs driftpy with ``--no-deps`` (it pins its whole dependency tree, numpy<2 included),
so driftpy is read from its installed source instead of imported. For each entry: the installed
version is at least the entry's ``since``, the new name exists on every owner, and the old name is
gone or marked deprecated in favour of the new one. No network is needed at test time.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import inspect
import re
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.version import Version

from tradelint.core.rename_packs import (
    PackEntry,
    RenamePack,
    available_packs,
    load_pack,
)

REQUIRED = {
    "web3-v6", "web3-v7", "eth-account-0.13", "eth-abi-4", "pydantic-v2", "pandas-2", "numpy-2", "ccxt-exchange-ids",
    "driftpy-0.7",
}
# Read from source, not imported: see the module docstring.
STATIC = {"driftpy-0.7"}
PACKS = [load_pack(name) for name in sorted(available_packs())]
ENTRIES = [(pack, entry, owner) for pack in PACKS for entry in pack.entries for owner in entry.owners]


def _id(item: tuple[RenamePack, PackEntry, str]) -> str:
    pack, entry, owner = item
    return f"{pack.name}:{owner}.{entry.old}"


def resolve(dotted: str) -> Any:
    """Import the longest importable prefix of a dotted name, then follow attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(dotted)


def defined(owner: Any, name: str) -> bool:
    """Whether ``owner`` has ``name`` without calling descriptors (web3 methods refuse class access)."""
    if isinstance(owner, ModuleType):
        return name in vars(owner)
    return any(name in vars(klass) for klass in inspect.getmro(owner))


def served_lazily(owner: Any, name: str) -> bool:
    """A module that serves ``name`` from its ``__getattr__`` (pydantic 2 imports ``ConfigDict``
    on first access: ``vars(pydantic)`` holds it only once something has asked, so the answer
    would depend on which tests ran before in the same process)."""
    if not isinstance(owner, ModuleType):
        return False
    try:
        getattr(owner, name)
    except AttributeError:
        return False
    return True


def deprecation(owner: Any, name: str) -> str | None:
    """The deprecation of ``owner.name``: a ``typing_extensions.deprecated`` message, or the
    source of a function that warns ``DeprecationWarning``/``FutureWarning`` (numpy's
    ``row_stack``: "`row_stack` alias is deprecated. Use `np.vstack` directly.")."""
    raw = inspect.getattr_static(owner, name)
    for candidate in (raw, getattr(raw, "fget", None), getattr(raw, "__func__", None)):
        message = getattr(candidate, "__deprecated__", None)
        if isinstance(message, str):
            return message
    for candidate in (raw, getattr(raw, "fget", None), getattr(raw, "__func__", None), getattr(raw, "__wrapped__", None)):
        try:
            source = inspect.getsource(candidate)  # type: ignore[arg-type]
        except (TypeError, OSError):
            continue
        if re.search(r"DeprecationWarning|FutureWarning|deprecat", source):
            return source
    return None


def static_names(owner_name: str, seen: frozenset[str] = frozenset()) -> set[str] | None:
    """The names a class (with its bases found through its module's imports) or a module defines,
    read from the installed source: for an owner whose module cannot be imported here (pandas'
    ``Styler`` needs jinja2), or a library installed without its dependencies (driftpy)."""
    module_name, _, cls_name = owner_name.rpartition(".")
    for module, cls in ((owner_name, None), (module_name, cls_name)):
        # Found from the top-level package's folder: ``find_spec`` of a submodule would import
        # its parents, and driftpy's need dependencies it is installed without.
        top = importlib.util.find_spec(module.split(".")[0])
        if top is None or not top.submodule_search_locations:
            continue
        base = Path(next(iter(top.submodule_search_locations))).joinpath(*module.split(".")[1:])
        file = base / "__init__.py" if (base / "__init__.py").is_file() else base.with_suffix(".py")
        if not file.is_file():
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        if cls is None:
            return {
                n.name if not isinstance(n, (ast.Assign, ast.AnnAssign)) else ""
                for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            } | {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)} | {
                a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names
            }
        imports = {a.asname or a.name: f"{n.module}.{a.name}" for n in tree.body if isinstance(n, ast.ImportFrom)
                   and n.module and not n.level for a in n.names}
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == cls and owner_name not in seen:
                names = {s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
                names |= {t.id for s in node.body if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}
                names |= {s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
                for base in node.bases:
                    text = ast.unparse(base)
                    found = static_names(imports.get(text, f"{module}.{text}"), seen | {owner_name})
                    names |= found or set()
                return names
    return None


def test_required_packs_ship() -> None:
    assert REQUIRED <= available_packs()
    assert all(pack.entries for pack in PACKS)


def test_every_entry_cites_a_source_and_version() -> None:
    for pack, entry, _ in ENTRIES:
        assert entry.source.startswith((f"{pack.library} ", f"{pack.module} ")), entry
        assert Version(entry.since) > Version("0")


@pytest.mark.parametrize("item", [e for e in ENTRIES if e[0].name not in STATIC], ids=_id)
def test_entry_matches_installed_library(item: tuple[RenamePack, PackEntry, str]) -> None:
    pack, entry, owner_name = item
    installed = Version(importlib.metadata.version(pack.library))
    assert installed >= Version(entry.since), f"{pack.library} {installed} is older than {entry.since}"
    try:
        owner = resolve(owner_name)
    except (ImportError, AttributeError):
        # Its module needs an optional dependency this environment lacks: read its source.
        names = static_names(owner_name)
        assert names is not None, owner_name
        assert entry.new in names and entry.old not in names, (owner_name, entry.old, entry.new)
        return
    assert defined(owner, entry.new) or served_lazily(owner, entry.new), (
        f"{owner_name}.{entry.new} does not exist in {pack.library} {installed}"
    )
    if defined(owner, entry.old):
        message = deprecation(owner, entry.old)
        assert message is not None, f"{owner_name}.{entry.old} still exists and is not deprecated"
        assert re.search(rf"\b{re.escape(entry.new)}\b", message), message
    else:
        try:
            lazy = getattr(owner, entry.old)
        except AttributeError:
            return
        # A module that still serves the old name lazily, deprecated (pydantic 2's ``BaseConfig``
        # from ``pydantic.deprecated.config``).
        source = inspect.getsource(lazy)
        assert re.search(r"deprecat", source, re.IGNORECASE) and re.search(rf"\b{re.escape(entry.new)}\b", source), (
            f"{owner_name}.{entry.old} is still served and does not say to use {entry.new}"
        )


def test_numpy_entries_follow_numpys_own_migration_notes() -> None:
    expired = importlib.import_module("numpy._expired_attrs_2_0").__expired_attributes__
    pack = load_pack("numpy-2")
    for entry in pack.entries:
        if entry.old == "NAN":  # removed in 2.0 with no note; test_entry_matches_installed_library checks it
            assert entry.old not in expired
            continue
        if entry.owners != ("numpy",) or entry.old not in expired:
            continue  # a method, or deprecated rather than expired: checked against numpy itself
        # A note carries the rest of numpy's advice (``Use `np.asarray` with a proper dtype``).
        assert f"`np.{entry.new}`" in expired[entry.old], entry.old
        assert entry.note is not None or expired[entry.old] == f"Use `np.{entry.new}` instead.", entry.old


@pytest.mark.parametrize("pack", [p for p in PACKS if p.name not in STATIC], ids=lambda p: p.name)
def test_type_facts_match_annotations(pack: RenamePack) -> None:
    for key, type_name in pack.attribute_types.items():
        expected = resolve(type_name)
        if key.endswith("()"):
            owner_name, _, method = key[:-2].rpartition(".")
            function = getattr(resolve(owner_name), method)
            assert typing.get_type_hints(function)["return"] is expected, key
        else:
            owner_name, _, attr = key.rpartition(".")
            assert typing.get_type_hints(resolve(owner_name))[attr] is expected, key


@pytest.mark.parametrize("pack", [p for p in PACKS if p.name not in STATIC], ids=lambda p: p.name)
def test_owner_aliases_name_the_same_class(pack: RenamePack) -> None:
    for alias, canonical in pack.owners.items():
        target = resolve(canonical)
        try:
            other = resolve(alias)
        except (ImportError, AttributeError):
            # An import path of older versions only: the entries' owners are what gets checked.
            continue
        assert other is target, alias


# -- driftpy: read from the installed source ---------------------------------------------------------


def _driftpy_classes() -> dict[str, tuple[set[str], dict[str, str]]]:
    """``module.Class`` -> (names the class defines, method -> return annotation text)."""
    dist = importlib.metadata.distribution("driftpy")
    found: dict[str, tuple[set[str], dict[str, str]]] = {}
    for module in ("driftpy.drift_client", "driftpy.drift_user"):
        path = Path(str(dist.locate_file(module.replace(".", "/") + ".py")))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in tree.body:
            if isinstance(cls, ast.ClassDef):
                names, returns = set(), {}
                for stmt in cls.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        names.add(stmt.name)
                        if stmt.returns is not None:
                            returns[stmt.name] = ast.unparse(stmt.returns)
                found[f"{module}.{cls.name}"] = (names, returns)
    # A module owner (``from driftpy.types import PerpMarket``): its top-level names.
    path = Path(str(dist.locate_file("driftpy/types.py")))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {s.name for s in tree.body if isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
    found["driftpy.types"] = (top, {})
    return found


@pytest.mark.parametrize("item", [e for e in ENTRIES if e[0].name == "driftpy-0.7"], ids=_id)
def test_driftpy_entry_matches_installed_source(item: tuple[RenamePack, PackEntry, str]) -> None:
    pack, entry, owner_name = item
    assert Version(importlib.metadata.version("driftpy")) >= Version(entry.since)
    names = static_names(owner_name)
    assert names is not None, owner_name
    assert entry.new in names
    assert entry.old not in names


def test_driftpy_type_facts_match_source() -> None:
    classes = _driftpy_classes()
    for key, type_name in load_pack("driftpy-0.7").attribute_types.items():
        owner_name, _, method = key[:-2].rpartition(".")
        assert classes[owner_name][1][method] == type_name.rpartition(".")[2], key
