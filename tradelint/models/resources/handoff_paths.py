"""A class's resource whose only end is a hand-off that some path of the making method never reaches
(session 62).

``self._mcp = await Manager.create(cfg); if not self._mcp.tools(): return;
self._registry.add(Provider(self._mcp))``: the provider closes the manager and the registry's
owner ends the provider, so the class counts the hand-off as the manager's end. The ``return``
before it leaves the manager on ``self``, where no method of the class closes it: every instance
that takes that way keeps it open for its whole life.

The principle is the one a local's hand-off follows (:func:`.error_paths.handoff_problem`,
``exit_before_handoff``): handing a resource to an owner that ends it ends the maker's duty only
on the paths that reach the hand-off. A class keeps what it stores on every path, so a way out of
the making method between the store and the hand-off leaves it with the class; that is a leak
only when nothing of the class ends the attribute itself (a release of its own, or an owner of the
family that closes it), since then the hand-off was its only end.

Not judged: a hand-off in another method (that one may run later, on every path), one through an
alias, an exit under a test of the attribute itself (``if self._mcp is None: return``: nothing, or
its state, decides; a maker that may return ``None`` made nothing there), an exit that returns or
raises with the attribute, and a raise that ends the process."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.class_family import bases_naming
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.facts.uses import (
    classify,
    self_attr,
    self_attribute_loads,
    self_name,
    sequential,
)
from tradelint.models.resources.owner_closes import closed_by_an_owner_of_family
from tradelint.models.resources.resource_types import Creation
from tradelint.models.resources.statements import ends_process


def kept_before_handoff(
    module: ModuleInfo,
    c: Creation,
    takes_care: Callable[..., bool],
    class_closes: Callable[..., bool],
) -> str | None:
    """``"<method>|<exit line>|<hand-off line>"`` when the only end of ``self.<c.name>`` is a
    hand-off in the method that makes it (``takes_care``: a use after which another owner ends it)
    and a ``return`` or ``raise`` of that method comes between the store and the hand-off on the
    same path; None otherwise. ``takes_care`` and ``class_closes`` are the resource model's own
    judgements (``ResourceAnalysis._takes_care``, ``._class_closes``: hand-offs counted, or with
    ``only_closes`` not)."""
    function, cls = c.function, c.cls
    if function is None or cls is None or c.kind != "self" or function.name == "__init__":
        return None
    receiver = self_name(function)
    if receiver is None:
        return None
    start = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    exits = [n for n in walk(function) if isinstance(n, (ast.Return, ast.Raise)) and n.lineno > start]
    if not exits:
        return None  # (cheap: most making methods have no way out after the store)
    handoffs: list[ast.Attribute] = []
    for home, owner in bases_naming(module, cls, c.name):
        for node in self_attribute_loads(owner, c.name):
            use = classify(home, node)
            if use.kind != "argument" or not takes_care(home, use, c.spec, owner_is_class=True):
                continue
            if home is not module or module.enclosing_function(node) is not function or node.lineno <= start:
                return None  # handed on elsewhere too: that one may run on every path
            handoffs.append(node)
    if not handoffs:
        return None
    first = min(handoffs, key=lambda n: (n.lineno, n.col_offset))
    end = next((a for a in module.ancestors(first) if isinstance(a, ast.stmt)), None)
    if end is None:
        return None
    exit_ = next((n for n in sorted(exits, key=lambda n: n.lineno) if _leaves_it(module, function, c, receiver, n, end)), None)
    if exit_ is None:
        return None
    # Only when the hand-off is the class's only end of it: no release of its own, no owner of
    # the family closing it (the expensive questions last).
    closes = frozenset({c.spec.close, "close", "aclose"})
    if not class_closes(c) or class_closes(c, only_closes=True):
        return None
    if closed_by_an_owner_of_family(module, cls, c.name, closes, c.spec.coroutine_close or (c.spec.first_party and c.spec.awaited)):
        return None
    return f"{function.name}|{exit_.lineno}|{end.lineno}"


def _leaves_it(
    module: ModuleInfo, function: ast.AST, c: Creation, receiver: str, node: ast.Return | ast.Raise, end: ast.stmt
) -> bool:
    """``node`` leaves ``function`` between the store ``c.stmt`` and the hand-off statement
    ``end``, on the way from one to the other, without the attribute and not where a test of it
    decides."""
    if not node.lineno < end.lineno or module.enclosing_function(node) is not function:
        return False
    if not sequential(module, c.stmt, node):
        return False  # (another branch than the store's)
    if any(self_attr(n, receiver) == c.name for n in walk(node)):
        return False  # ``return self._client``, ``raise Error(self._client)``
    if isinstance(node, ast.Raise) and ends_process(node):
        return False
    for ancestor in module.ancestors(node):
        if ancestor is function:
            break
        if isinstance(ancestor, (ast.If, ast.While)) and any(self_attr(n, receiver) == c.name for n in walk(ancestor.test)):
            return False  # ``if self._mcp is None: return``: it made nothing, or its state decides
    return True
