"""An object kept on ``self`` whose class holds a resource it never releases (issue 28, session
34): ``self._inference = AsyncInference(config)`` in a client whose ``close()`` closes only its
own HTTP client, where ``AsyncInference.__init__`` makes its own ``AsyncHTTPClient`` and the
class has no release at all (pinecone-io/pinecone-python-client ``173e3119``). The owner ends
its own life (it has a release method), but nothing it can call ends what the held object
holds: each owner closed leaks the held object's resource. The held class's own TRD202 finding
says what it leaks; this one says which owner's end should reach it."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.resources.owner_closes import closed_by_an_owner_of_family
from tradelint.models.resources.resource_types import Creation, Problem


def holder_left_open(module: ModuleInfo, c: Creation, class_closes: Callable[[Creation], bool]) -> Problem | None:
    """``self_holder_left_open`` when the class keeping ``c`` on ``self`` has a release method
    and no code of the project ends ``self.<name>`` or reaches in to close what it holds; None
    otherwise (an owner with no end of its own is a chain with no end to hang the close on: the
    held class's own finding is the one to act on)."""
    assert c.cls is not None
    if owner_release(module, c.cls) is None:
        return None
    if c.spec.leaves:
        # The held class's own release leaves its part open: only a close of that part counts.
        return None if _closes_part(module, c.name, c.spec.holds) else "self_holder_release_leaves"
    if class_closes(c) or closed_by_an_owner_of_family(module, c.cls, c.name, frozenset({c.spec.close, "close", "aclose"})):
        return None
    return "self_holder_left_open"


def owner_release(module: ModuleInfo, cls: ast.ClassDef) -> str | None:
    """The method that ends an instance of ``cls`` (its own or a first-party base's): a public
    release-named method (``close``, ``stop``...), else ``__aexit__``; None when it has none."""
    names = [
        stmt.name
        for _, node in class_and_bases(module, cls)
        for stmt in node.body
        if isinstance(stmt, FUNCTION_NODES) and is_release_name(stmt.name)
    ]
    public = [name for name in names if not name.startswith("_")]
    if public:
        return public[0]
    return next((name for name in names if name in ("__aexit__", "__exit__")), None)


def _closes_part(module: ModuleInfo, name: str, part: str) -> bool:
    """Whether ``module`` closes ``<...>.<name>.<part>`` (``self.gen._session.close()``)."""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and is_release_name(n.func.attr)
        and isinstance(held := n.func.value, ast.Attribute) and held.attr == part
        and isinstance(held.value, ast.Attribute) and held.value.attr == name
        for n in module.index.calls
    )
