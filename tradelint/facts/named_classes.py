"""The first-party class an expression or a summary's reference names, as its module's summary
and its class facts, from summaries only (no module is parsed for it): where most ownership
questions about a constructor call (``Client(session)``) or a base class start."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.summaries import definition_of
from tradelint.facts.summary_data import ClassFacts, Definition, ModuleSummary, Ref

__all__ = ["class_named", "found_class", "resolve_ref"]


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
