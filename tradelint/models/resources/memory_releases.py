"""A first-party class whose release frees only in-memory state is no resource.

``await registry.close()`` whose method only clears a container (``self._cache.clear()``,
``del self._seen[key]``) or sets an attribute to an empty one (``self._cache = {}``) releases nothing the process would lose if it never
ran: no connection, file, task or other object of the kind the rules follow. A function that
calls such a close on one path only leaks nothing on the others (TRD201's "closed here on one
path only"). Read from the class's own code, the lineage's nearest definition of the method;
anything else in its body (a call, an ``await``, a loop, a test) makes it a release as before."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.nearest_method import nearest_method
from tradelint.facts.uses import self_name

__all__ = ["frees_memory_only"]

# Methods of a container that drop what it holds, in memory.
_FORGETS = frozenset({"clear", "pop", "popitem", "discard", "remove"})


def frees_memory_only(module: ModuleInfo, func: ast.expr, release: str) -> bool:
    """Whether ``release``, as the first-party class ``func`` names defines it (or its nearest
    first-party base), frees only in-memory state of the instance. False when the class or the
    method is not found (a library's, a base the project does not define)."""
    method = nearest_method(module, func, release)
    if method is None:
        return False
    receiver = self_name(method)
    body = method.body[1:] if ast.get_docstring(method) is not None else method.body
    return receiver is not None and all(_forgets(stmt, receiver) for stmt in body) and not all(
        isinstance(stmt, (ast.Pass, ast.Return)) for stmt in body)  # (a stub: a subclass's to fill)


def _forgets(stmt: ast.stmt, receiver: str) -> bool:
    """``pass``, ``return``, ``self.x.clear()``, ``self.x = {}``/``[]``, ``del self.x[k]``: a
    statement that only drops in-memory state of ``self``."""
    if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and stmt.value is None):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        return isinstance(func, ast.Attribute) and func.attr in _FORGETS and _on_self(func.value, receiver)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        # (``self._conn = None`` may drop a connection unclosed: not a forgetting of memory only)
        empty = (isinstance(value, ast.Dict) and not value.keys) or (
            isinstance(value, (ast.List, ast.Set, ast.Tuple)) and not value.elts)
        return empty and all(_on_self(t, receiver) for t in targets)
    if isinstance(stmt, ast.Delete):
        return all(_on_self(t, receiver) for t in stmt.targets)
    return False


def _on_self(node: ast.expr, receiver: str) -> bool:
    """``self.x``, ``self.x[k]``: a place in the instance itself."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return isinstance(node, ast.Name) and node.id == receiver
