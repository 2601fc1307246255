"""Closes of a resource called without ``await`` (TRD205): found once per module, and asked of
each creation without a pass over every close."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import classify, declares_outer, name_loads, resolve_aliases, self_attribute_loads
from tradelint.models.resources.keyed import keyed_loads
from tradelint.models.resources.part_releases import part_use
from tradelint.models.resources.proofs import awaitable_here
from tradelint.models.resources.resource_types import Creation, UnawaitedClose, unawaited_close


def unawaited_closes_of(module: ModuleInfo, creations: Iterable[Creation]) -> list[UnawaitedClose]:
    """Closes of a resource of ``creations`` called without ``await``, once each, in source order."""
    found: dict[int, UnawaitedClose] = {}
    for c in creations:
        loads: list[ast.expr] = []
        if c.kind == "local" and c.function is not None:
            scope: ast.AST = module.tree if declares_outer(c.function, c.name) else c.function
            loads = list(name_loads(scope, c.name))
        elif c.kind == "self" and c.cls is not None:
            loads = list(self_attribute_loads(c.cls, c.name))
        elif c.kind == "self_key" and c.cls is not None:
            loads = list(keyed_loads(c.cls, c.name))
        for use in resolve_aliases(module, [classify(module, node) for node in loads]):
            use = part_use(module, use, c.spec)  # ``bot.session.close()`` of a ``Bot``
            if use.call is not None and id(use.call) not in found and unawaited_close(module, use, c.spec):
                spelled = ast.unparse(use.call.func)
                found[id(use.call)] = UnawaitedClose(use.call, c, spelled, awaitable_here(module, use.call))
    return sorted(found.values(), key=lambda u: (u.call.lineno, u.call.col_offset))


class UnawaitedIndex:
    """The creations of some unawaited closes, and the (class, name) of those on ``self``."""

    def __init__(self, closes: Iterable[UnawaitedClose]) -> None:
        closes = list(closes)
        self._creations = {id(u.creation) for u in closes}
        self._on_self = {(id(u.creation.cls), u.creation.name) for u in closes if u.creation.kind == "self"}

    def covers(self, c: Creation) -> bool:
        """Whether ``c``'s thing is among them (the same creation, or the same attribute of the
        same class)."""
        return id(c) in self._creations or (c.kind == "self" and (id(c.cls), c.name) in self._on_self)
