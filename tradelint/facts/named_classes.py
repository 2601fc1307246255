"""The first-party class an expression or a summary's reference names, as its module's summary
and its class facts, from summaries only (no module is parsed for it): where most ownership
questions about a constructor call (``Client(session)``) or a base class start."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.module_paths import is_stdlib
from tradelint.facts.summaries import definition_of
from tradelint.facts.summary_data import ClassFacts, Definition, ModuleSummary, Ref

__all__ = ["class_named", "found_class", "resolve_ref", "stored_at"]


def found_class(found: tuple[ModuleSummary, Definition] | None) -> tuple[ModuleSummary, ClassFacts] | None:
    """The summary and class facts of a definition found (``definition_of``, ``Project.resolve``);
    None for nothing found, a function or an assignment."""
    if found is None or found[1].kind != "class":
        return None
    facts = found[0].classes.get(found[1].line)
    return (found[0], facts) if facts is not None else None


def class_named(module: ModuleInfo, expr: ast.AST) -> tuple[ModuleSummary, ClassFacts] | None:
    """The first-party class ``expr`` names (``Feed``, ``pkg.Feed``) in ``module``: its module's
    summary and its class facts; None for anything else."""
    return found_class(definition_of(module, expr))


def resolve_ref(project: Project, module: ModuleSummary, ref: Ref) -> tuple[ModuleSummary, ClassFacts] | None:
    """The first-party class a reference names, from summaries (no module is parsed for it)."""
    kind, name = ref
    if kind == "local":
        definition = module.defined(name)
        return found_class((module, definition) if definition is not None else None)
    # ``absolute`` keeps one ``Path`` per absolute name: a new one would hash its text again.
    return found_class(project.resolve(name, project.locate(project.absolute(module.path))[1]))


Found = tuple[ModuleSummary, ClassFacts]


def stored_at(project: Project, family: list[Found], position: int) -> str | None:
    """The attribute the constructor of ``family[0]`` (the class, then its first-party bases)
    stores its argument at ``position`` in; None when no class read says. An attrs class with
    bases takes its bases' positional fields first, in MRO order (``RedisEventBroker(client)``
    under apscheduler's keyword-only bases: ``client`` is the first)."""
    module, facts = family[0]
    if facts.attrs is not None and facts.bases:
        order = _attrs_positional(project, module, facts)
        return order[position] if order is not None and position < len(order) else None
    return next((f.stored_positions[position] for _, f in family if position in f.stored_positions), None)


def _attrs_positional(project: Project, module: ModuleSummary, facts: ClassFacts) -> list[str] | None:
    """The attributes an attrs class's generated ``__init__`` takes positionally, in order
    (``attr._make._collect_base_attrs``: each attrs class of the MRO, furthest first, adds its
    own fields, and a name defined again is the later definition); None when the MRO cannot be
    read, or holds a class that is not first-party nor the standard library's (it may be an
    attrs class of its own)."""
    mro = _mro(project, (module, facts), 0)
    if mro is None or facts.attrs is None:
        return None
    if not facts.attrs.by_mro and any(len(f.bases) > 1 for _, f in mro):
        return None  # classic ``attr.s`` collects bases in another order under multiple inheritance
    order: list[str] = []
    for _, cls in reversed(mro):
        if cls.attrs is None:
            continue
        own = {f.name for f in cls.fields if f.attrs_field or f.annotated and not f.attrs_classvar}
        order = [name for name in order if name not in own] + list(cls.attrs.positional)
    return [] if facts.attrs.kw_only else order


def _mro(project: Project, cls: Found, depth: int) -> list[Found] | None:
    """C3 linearisation of a first-party class over its bases' summaries."""
    if depth > 16:
        return None
    module, facts = cls
    heads: list[list[Found]] = []
    for ref in facts.bases:
        base = resolve_ref(project, module, ref)
        if base is None:
            if ref[0] == "qualified" and is_stdlib(ref[1]):
                continue  # ``typing.Generic[T]``, ``abc.ABC``: no attrs fields there
            return None
        line = _mro(project, base, depth + 1)
        if line is None:
            return None
        heads.append(line)
    bases = [line[0] for line in heads]
    heads.append(bases)
    found = [cls]
    key = _key
    while any(heads):
        heads = [h for h in heads if h]
        for head in heads:
            candidate = head[0]
            if not any(key(candidate) in {key(c) for c in h[1:]} for h in heads):
                break
        else:
            return None  # no consistent order: Python refuses the class
        found.append(candidate)
        heads = [h[1:] if key(h[0]) == key(candidate) else h for h in heads]
    return found


def _key(cls: Found) -> tuple[str, int]:
    return (str(cls[0].path), cls[1].line)
