"""Elements of a local collection that the function walks and never ends (TRD201, session 84).

``clients = [Client(host) for host in hosts]`` or ``connectors.append(Connector(config))``, then
``for client in clients: await client.fetch(q)``: the function reads each element through the
walk, and nothing ends one; the collection dies with the frame (:mod:`.frame_collections`), and
every element with it, open. A walk keeps the elements to the frame when every use of its
element is a use through it that is no release (a method or an attribute not named like a
release, nor the type's own release or ends, at any depth: ``c.session.close()`` releases) or a
test: a release (``await client.close()``),
a hand-off (given to a call, stored, aliased, returned, entered) or a walk this module cannot
read (a target that is not one name, ``.items()`` but through its value's name) leaves the
collection unjudged, as before.

A walk is a ``for`` (or ``async for``) over the collection, over its ``.values()``, ``.copy()``,
or ``.items()`` into ``key, value``, and a comprehension's generator alike
(:mod:`tradelint.facts.walks`); its element's uses are the loads of the target in the loop's body
(the comprehension's element, conditions and other generators).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.release_names import is_release_name
from tradelint.facts.uses import classify, name_loads
from tradelint.facts.walks import walked_names

__all__ = ["element_loads", "walk_keeps", "walked_loads"]


def element_loads(module: ModuleInfo, load: ast.expr) -> list[ast.Name] | None:
    """The loads of the element of the walk ``load`` (the collection) is walked by
    (:func:`tradelint.facts.walks.walked_names`); None when ``load`` is walked by none, or the
    walk stores the element's name again."""
    names = walked_names(module, load)
    if names is None or any(not isinstance(n.ctx, ast.Load) for n in names):
        return None
    return names


def walk_keeps(module: ModuleInfo, load: ast.expr, releases: Iterable[str]) -> bool:
    """Whether ``load`` is the collection of a walk whose element is only used through (by a
    method or an attribute named like no release, nor one of ``releases``) or tested."""
    loads = element_loads(module, load)
    if loads is None:
        return False
    ends = frozenset(releases)
    for element in loads:
        use = classify(module, element)
        if use.kind == "test":
            continue
        if use.kind not in ("method", "attribute") or not use.name:
            return False
        # ``await c.session.close()``: a release of a part of the element, through any depth
        reached: ast.AST = element
        while isinstance(up := module.parent(reached), ast.Attribute) and up.value is reached:
            if is_release_name(up.attr) or up.attr in ends:
                return False
            reached = up
    return True


def walked_loads(module: ModuleInfo, function: ast.AST, name: str) -> list[ast.Name]:
    """Every load of an element of the local collection ``name`` through the walks of it."""
    found: list[ast.Name] = []
    for load in name_loads(function, name):
        found += element_loads(module, load) or []
    return found
