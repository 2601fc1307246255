"""The first-party class of an attribute of ``self``, read from what the class's own methods store
in it: shared by the task model (whose loop a tracked task runs, ``hass_waits``) and the resource
model (whose release a bare call leaves unawaited, ``unawaited_release``)."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk


def attribute_class(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class of ``self.attr`` in ``cls``, when every store of it in the class's
    own methods says the same: ``self.attr: C = ...``, ``self.attr = C(...)``, or ``self.attr =
    param`` of a parameter annotated ``C``; or the class body's ``attr: C``. None when a store says
    nothing (``self.attr = make()``) or two say different classes."""
    named = _attribute_classes(module, cls).get(attr)
    if not named or len({ast.dump(n) for n in named}) != 1:
        return None
    return resolve_class_node(module, named[0])


def _attribute_classes(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, list[ast.expr]]:
    """For each attribute of ``cls``, what its stores name as its class (an empty list: a store
    that names none); once per class."""
    memo = module.project.class_memo
    key = ("attribute-classes", cls)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    named: dict[str, list[ast.expr]] = {}
    unknown: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            named.setdefault(stmt.target.id, []).append(stmt.annotation)
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES) or not method.args.args:
            continue
        me = method.args.args[0].arg
        params = {a.arg: a.annotation for a in (*method.args.args, *method.args.kwonlyargs)}
        for node in walk(method):
            targets: list[ast.expr]
            if isinstance(node, ast.AnnAssign):
                targets, value, annotation = [node.target], node.value, node.annotation
            elif isinstance(node, ast.Assign):
                targets, value, annotation = node.targets, node.value, None
            else:
                continue
            for target in targets:
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == me):
                    continue
                given = params.get(value.id) if isinstance(value, ast.Name) else None
                if annotation is not None:
                    named.setdefault(target.attr, []).append(annotation)
                elif isinstance(value, ast.Call):
                    named.setdefault(target.attr, []).append(value.func)
                elif given is not None:
                    named.setdefault(target.attr, []).append(given)
                elif not (isinstance(value, ast.Constant) and value.value is None):
                    unknown.add(target.attr)
    for attr in unknown:
        named[attr] = []
    memo[key] = named
    return named
