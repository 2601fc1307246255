"""Module summaries for the cache: the dotted names a module's analyses can look up in other
modules (:func:`module_names`), and the dotted names a configuration holds (:func:`config_names`).

Plain data, computed from a module's tree and index; ``cache.py`` stores each name with the file
it resolves to, and a result is reused only while every name of its closure still resolves the
same.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Iterable, Iterator

from tradelint.core.config import Config
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import resolve_relative

_DOTTED = re.compile(r"[^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)+")


def _string_annotations(info: ModuleInfo) -> Iterator[str]:
    """The dotted strings in the annotations of functions, of class bodies and at module level
    (``x: "pkg.sub.Cls"``, ``-> Optional["pkg.Cls"]``): the analyses parse them as expressions.
    Found from the index (a walk of every statement cost as much as the rest of the summary)."""
    annotations: list[ast.expr | None] = []
    for function in info.index.functions:
        args = function.args
        annotations.append(function.returns)
        annotations.extend(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        annotations.extend(a.annotation for a in (args.vararg, args.kwarg) if a is not None)
    for body in (info.tree.body, *(cls.body for cls in info.index.classes)):
        annotations.extend(stmt.annotation for stmt in body if isinstance(stmt, ast.AnnAssign))
    for annotation in annotations:
        if annotation is None or isinstance(annotation, ast.Name):
            continue
        for part in ast.walk(annotation):
            if isinstance(part, ast.Constant) and isinstance(part.value, str) and "." in part.value:
                yield part.value


def module_names(info: ModuleInfo) -> list[str]:
    """The dotted names the analyses of ``info`` can ask the project for, every prefix included
    (``pkg.sub.Cls`` may be a class of ``pkg.sub`` or a module): its imports, the names they
    bind, every attribute chain rooted in an imported or top-level name (``import pkg`` then
    ``pkg.sub.Cls``), every dotted string annotation (of a function, a class body or the module)
    rooted in an imported name, and its own name. Plain data, stored by the cache per file."""
    found: set[str] = set()
    for node, _ in info.index.imports:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = resolve_relative(node.module, node.level, info.module_name, info.is_package)
        if base is None:
            continue
        if base:
            found.add(base)
        found.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names if alias.name != "*")
    imported = info.imports.names
    bound = dict(imported)
    own = info.module_name or ""
    if own:
        for name in info.top_level:
            bound.setdefault(name, f"{own}.{name}")
    if bound:
        parents = info.index.parents
        for attribute in info.index.attributes:
            value = attribute.value
            if value.__class__ is not ast.Name or value.id not in bound:
                continue
            parts = [bound[value.id], attribute.attr]
            inner: ast.AST = attribute
            parent = parents.get(inner)
            while isinstance(parent, ast.Attribute) and parent.value is inner:
                parts.append(parent.attr)
                inner, parent = parent, parents.get(parent)
            found.add(".".join(parts))
    for annotation in _string_annotations(info):
        for chain in _DOTTED.findall(annotation):
            root, _, rest = chain.partition(".")
            if root in imported:
                found.add(f"{imported[root]}.{rest}")
    # Its own name (a top-level name is looked up as ``pkg.mod.name``), not its package's: that
    # is a dependency only when imported (``from . import x``).
    mine = {name for name in found if name.startswith(own + ".")} if own else set()
    names = _with_prefixes(found - mine)
    if own:
        names.add(own)
        names.update(own + "." + rest for rest in _with_prefixes(name[len(own) + 1:] for name in mine))
    return sorted(names)


def _with_prefixes(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def config_names(config: Config) -> set[str]:
    """Every dotted name in a configuration (``task-keeper``, resource types, rename owners, the
    owners and attribute types of its rename packs): some are looked up as first-party
    definitions from the checked file."""
    found: set[str] = set()
    stack: list[object] = [config]
    if config.rename_packs:
        from tradelint.core.rename_packs import PackError, pack_facts

        try:
            stack.append(pack_facts(config.rename_packs))
        except PackError:
            pass  # reported by the engine; no names from it
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            parts = value.split(".")
            if len(parts) > 1 and all(part.isidentifier() for part in parts):
                found.add(value)
        elif isinstance(value, (tuple, list, set, frozenset)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(getattr(value, f.name) for f in dataclasses.fields(value))
    return _with_prefixes(found)
