"""The element of a walk over a collection: a ``for`` (or ``async for``) over it, over its
``.values()``, ``.items()`` (into ``key, value``) or ``.copy()``, or a comprehension's generator
over it alike. Read by TRD201 (:mod:`tradelint.models.resources.walked_elements`) and by TRD3's
looks at tasks (:mod:`tradelint.models.tasks.read_uses`)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk

__all__ = ["walked_names"]

# Methods of a dict or a collection that give its elements, in a ``for`` or a comprehension.
_ELEMENT_VIEWS = frozenset({"values", "items", "copy"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def walked_names(module: ModuleInfo, load: ast.expr) -> list[ast.Name] | None:
    """Every spelling (loaded or stored) of the element's name where the walk that iterates
    ``load`` (the collection, or a call making one) can see it: the loop's body and ``else``, or
    the comprehension's element, conditions and other generators. None when ``load`` is walked
    by none of those, or the element is not one name."""
    iterated: ast.expr = load
    view = ""
    parent = module.parent(load)
    if isinstance(parent, ast.Attribute) and parent.value is load and parent.attr in _ELEMENT_VIEWS:
        call = module.parent(parent)
        if not (isinstance(call, ast.Call) and call.func is parent and not call.args and not call.keywords):
            return None
        iterated, view, parent = call, parent.attr, module.parent(call)
    scope: list[ast.AST]
    if isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is iterated:
        target, scope = parent.target, [*parent.body, *parent.orelse]
    elif isinstance(parent, ast.comprehension) and parent.iter is iterated:
        comprehension = module.parent(parent)
        if not isinstance(comprehension, _COMPREHENSIONS):
            return None
        target = parent.target
        parts = [comprehension.key, comprehension.value] if isinstance(comprehension, ast.DictComp) else [comprehension.elt]
        scope = [*parts, *(g for g in comprehension.generators if g is not parent), *parent.ifs]
    else:
        return None
    if view == "items":
        if not (isinstance(target, ast.Tuple) and len(target.elts) == 2):
            return None
        target = target.elts[1]
    if not isinstance(target, ast.Name):
        return None
    return [n for part in scope for n in walk(part) if isinstance(n, ast.Name) and n.id == target.id]
