"""What a method called on a name of the function runs, for the ``gather`` analysis: ``bot.
_process(stop)`` where ``bot`` is a local of the function or of one around it (a closure's free
variable). The name's class is proven from its one binding (``value_class``: a constructor, a
factory whose return annotation names a first-party class), also through a module-level
instance of the project (``gss = GsServer()`` in its module, imported where it is used: ``bot =
await gss.connect(ws, bot_id)`` with ``connect() -> _Bot``, Genshin-bots/gsuid_core
``13f6a0f7``). Unproven, the answer is None, and the caller falls back on the project's methods
of that name."""

from __future__ import annotations

import ast

from tradelint.facts.attribute_types import ClassRef, local_binding, value_class
from tradelint.facts.class_body import annotation_head
from tradelint.facts.class_family import class_and_bases, resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, class_method

Function = ast.FunctionDef | ast.AsyncFunctionDef


def called_method(module: ModuleInfo, function: ast.AST, func: ast.Attribute) -> Function | None:
    """The method ``<name>.<method>(...)`` runs, when ``name`` is bound once in ``function`` or a
    function around it and its value's class is proven (the class's own or a first-party base's
    method); None otherwise."""
    if not isinstance(func.value, ast.Name):
        return None
    frames = [function, *(a for a in module.ancestors(function) if isinstance(a, FUNCTION_NODES))]
    for frame in frames:
        bound = local_binding(frame, func.value.id)
        if bound is None:
            continue
        found = _value_class(module, frame, bound.value)
        return _method(found, func.attr) if found is not None else None
    return None


def _value_class(module: ModuleInfo, frame: ast.AST, value: ast.expr) -> ClassRef | None:
    found = value_class(module, frame, value)
    if found is not None:
        return found
    call = value.value if isinstance(value, ast.Await) else value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)):
        return None
    owner = _instance_class(module, call.func.value)
    method = _method(owner, call.func.attr) if owner is not None else None
    if method is None or method.returns is None or owner is None:
        return None
    head = annotation_head(owner[0], method.returns)
    return resolve_class_node(owner[0], head) if head is not None else None


def _instance_class(module: ModuleInfo, name: ast.Name) -> ClassRef | None:
    """The class of a module-level instance: ``name = Class(...)`` at the top of this module, or
    of the project's module that an import of ``name`` names."""
    home: ModuleInfo | None = module
    attr = name.id
    qualified = module.imports.qualify(name)
    if qualified is not None:
        dotted, _, attr = qualified.rpartition(".")
        home = module.project.find_module(dotted, module.roots) if dotted else None
    if home is None:
        return None
    bound = [
        stmt for stmt in home.tree.body
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets)
    ]
    if len(bound) != 1 or len(bound[0].targets) != 1 or not isinstance(bound[0].value, ast.Call):
        return None  # bound twice (or to anything but a call): which instance it is cannot be told
    return resolve_class_node(home, bound[0].value.func)


def _method(owner: ClassRef, name: str) -> Function | None:
    for _, node in class_and_bases(*owner):
        found = class_method(node, name)
        if isinstance(found, FUNCTION_NODES):
            return found
    return None
