"""When a method ends an attribute of its object only to give it a new value (``await
self.s.close(); self.s = ClientSession()``, ``self.t.cancel(); self.t = create_task(...)``): the
end renews the attribute, and the object's last value is left to some other end (moved out of
:mod:`.uses`, session 69)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attribute_nodes, self_name, sequential


def renews_after(module: ModuleInfo, node: ast.expr, attr: str, class_default: bool = False) -> bool:
    """``self.attr`` is ended at ``node`` and then, on the same path of the same method, given a
    new value (``await self.s.close(); self.s = ClientSession()``): the end renews the attribute
    and leaves the object's last value to some other end."""
    method = module.enclosing_function(node)
    receiver = self_name(method) if method is not None else None
    if method is None or receiver is None:
        return False
    owner = module.parent(method)
    if not (isinstance(owner, ast.ClassDef) and (_initialised_by(owner, attr, class_default) or _made_elsewhere_in(owner, attr, method))):
        # A mixin that only declares ``attr: Task`` leaves its lifecycle to the class that
        # makes it, whose ends are not read here.
        return False
    ended = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    if ended is None:
        return False
    for target in self_attribute_nodes(owner, attr, ast.Store):
        stmt = module.parent(target)
        if (
            isinstance(stmt, (ast.Assign, ast.AnnAssign))
            and stmt.lineno > (ended.end_lineno or ended.lineno)
            and stmt.value is not None
            and not (isinstance(stmt.value, ast.Constant) and stmt.value.value is None)
            and isinstance(target.value, ast.Name)
            and target.value.id == receiver
            and module.enclosing_function(stmt) is method
            and sequential(module, ended, stmt)
        ):
            return True
    return False


def _made_elsewhere_in(cls: ast.ClassDef, attr: str, renewing: ast.AST) -> bool:
    """Another method of the class itself than ``renewing`` gives ``self.attr`` a value
    (``start()`` making the session ``reconnect()`` renews): the attribute is the class's, made
    and renewed by it, not a mixin's renewal of what another class makes."""
    return any(
        isinstance(method, FUNCTION_NODES) and method is not renewing and isinstance(stmt, (ast.Assign, ast.AnnAssign))
        and stmt.value is not None and not (isinstance(stmt.value, ast.Constant) and stmt.value.value is None)
        and any(isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == self_name(method)
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]))
        for method in cls.body
        for stmt in (walk(method) if isinstance(method, FUNCTION_NODES) else ())
    )


def _initialised_by(cls: ast.ClassDef, attr: str, class_default: bool = False) -> bool:
    """The class's own ``__init__`` (or, with ``class_default``, its body: ``_t: Task = None``)
    gives ``self.attr`` a value: the attribute is the class's."""
    for method in cls.body:
        if class_default and isinstance(method, ast.AnnAssign) and method.value is not None and getattr(method.target, "id", "") == attr:
            return True
        if isinstance(method, FUNCTION_NODES) and method.name == "__init__" and any(
            isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == self_name(method)
            for stmt in walk(method) if isinstance(stmt, (ast.Assign, ast.AnnAssign))
            for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        ):
            return True
    return False
