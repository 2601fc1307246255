"""A resource a base class makes in a helper that only its subclasses call.

A base offers ``create_database()``, which stores ``self.database = Database(path)``, and never
calls it itself: the subclasses that do (``async def initialize(self): self.create_database()``)
decide when the resource exists, and end it in their own ``stop()``. The base alone holds no
open resource; what it makes is ended, or not, by the classes built on it. So the ends its
descendants provide are counted before the base is reported, wherever they are: a subclass in
another distribution of the same repository (a plugin package that imports the base as
installed) included.
"""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_and_bases, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import self_calls

# A family of more classes than this is searched no further (each level parses the files that
# name the classes of the one above).
_MAX_DESCENDANTS = 64
_MAX_DEPTH = 4


def helper_descendants(
    module: ModuleInfo, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef | None
) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    """The first-party descendants of ``cls`` whose ends count for what ``method`` makes on
    ``self``: every descendant when ``method`` is a helper that neither ``cls`` nor any of its
    bases calls on ``self`` and some descendant does; none otherwise (``__init__``, or a method
    the class runs itself: the base's own objects hold what it makes)."""
    if method is None or method.name.startswith("__"):
        return []
    if any(_calls_on_self(c, method.name) for _, c in class_and_bases(module, cls)):
        return []
    found = _descendants(module, cls)
    if not any(_calls_on_self(sub, method.name) for _, sub in found):
        return []
    return found


def _descendants(module: ModuleInfo, cls: ast.ClassDef) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    memo = module.project.class_memo
    key = ("helper-descendants", cls)
    if key not in memo:
        found: list[tuple[ModuleInfo, ast.ClassDef]] = []
        seen = {id(cls)}
        level = [(module, cls)]
        for _ in range(_MAX_DEPTH):
            below: list[tuple[ModuleInfo, ast.ClassDef]] = []
            for home, base in level:
                for owner, sub in subclasses_in_project(home, base, mixins_only=False, installed=True):
                    if id(sub) not in seen and len(found) < _MAX_DESCENDANTS:
                        seen.add(id(sub))
                        found.append((owner, sub))
                        below.append((owner, sub))
            level = below
        memo[key] = found
    return list(memo[key])


def _calls_on_self(cls: ast.ClassDef, name: str) -> bool:
    """Whether a method of ``cls`` calls ``<self>.<name>(...)`` on its own receiver (its first
    parameter, whatever it is named) or ``super().<name>(...)``."""
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if any(called == name for _, called in self_calls(method)):
            return True
        for node in ast.walk(method):
            if isinstance(node, ast.Call) and isinstance(func := node.func, ast.Attribute) and func.attr == name:
                receiver = func.value
                if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
                    return True
    return False
