"""What a class's own methods write on the instance: evidence that an UPPER_CASE dataclass name is
meant as a per-instance field, not a constant that became one by accident.

A constant is read (incident 001: ``schema.CACHE_KEY``); a field is also *set* per instance. When
the class's own methods set ``self.NAME`` (``__post_init__`` parsing ``self.ORDER_EXTRA_PARAMS``),
or rewrite every field of the instance (``setattr(self, f.name, ...)`` for ``f`` in
``fields(self)``), the class itself treats the name as instance data. Reads alone prove nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import self_name


@dataclass
class InstanceWrites:
    # Name -> (method, line) of a write of ``self.NAME`` in one of the class's own methods.
    names: dict[str, tuple[str, int]] = field(default_factory=dict)
    # (method, line) of a write of every field of the instance, if there is one.
    every_field: tuple[str, int] | None = None


def _is_fields_of(call: ast.expr, receiver: str) -> bool:
    """``fields(self)``, ``dataclasses.fields(type(self))``, ``attrs.fields(self.__class__)``."""
    if not (isinstance(call, ast.Call) and len(call.args) == 1):
        return False
    func = call.func
    if not ((isinstance(func, ast.Name) and func.id == "fields") or (isinstance(func, ast.Attribute) and func.attr == "fields")):
        return False
    arg = call.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "type" and len(arg.args) == 1:
        arg = arg.args[0]
    elif isinstance(arg, ast.Attribute) and arg.attr == "__class__":
        arg = arg.value
    return isinstance(arg, ast.Name) and arg.id == receiver


def _field_names_of(expr: ast.expr, receiver: str) -> bool:
    """``self.__dataclass_fields__`` (or its ``.keys()``): the names of every field."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "keys" and not expr.args:
        expr = expr.func.value
    return (
        isinstance(expr, ast.Attribute)
        and expr.attr == "__dataclass_fields__"
        and isinstance(expr.value, ast.Name)
        and expr.value.id == receiver
    )


def _setattr_parts(call: ast.Call, receiver: str) -> ast.expr | None:
    """The name argument of a ``setattr`` on the instance: ``setattr(self, N, v)``,
    ``object.__setattr__(self, N, v)``, ``self.__setattr__(N, v)``, ``super().__setattr__(N, v)``."""
    func, args = call.func, call.args

    def is_receiver(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == receiver

    if isinstance(func, ast.Name) and func.id == "setattr" and len(args) >= 2 and is_receiver(args[0]):
        return args[1]
    if isinstance(func, ast.Attribute) and func.attr == "__setattr__":
        bound = is_receiver(func.value) or (
            isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"
        )
        if bound and args:
            return args[0]
        if len(args) >= 2 and is_receiver(args[0]):
            return args[1]
    return None


def _loops_over_fields(method: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str) -> dict[str, bool]:
    """Loop variables that take every field of the instance: True for field objects (``f.name``
    names the field), False for field names."""
    aliases = {
        t.id
        for node in ast.walk(method)
        if isinstance(node, ast.Assign) and _is_fields_of(node.value, receiver)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    loops: dict[str, bool] = {}
    for node in ast.walk(method):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name):
            source = node.iter
            if _is_fields_of(source, receiver) or (isinstance(source, ast.Name) and source.id in aliases):
                loops[node.target.id] = True
            elif _field_names_of(source, receiver):
                loops[node.target.id] = False
    return loops


def instance_writes(cls: ast.ClassDef) -> InstanceWrites:
    """Writes on the instance in the methods defined in ``cls``'s own body (class methods and
    static methods have no instance)."""
    found = InstanceWrites()
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES):
            continue
        if any(isinstance(d, ast.Name) and d.id == "classmethod" for d in method.decorator_list):
            continue
        receiver = self_name(method)
        if receiver is None:
            continue
        loops = _loops_over_fields(method, receiver)
        for node in ast.walk(method):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id == receiver:
                    found.names.setdefault(node.attr, (method.name, node.lineno))
            elif isinstance(node, ast.Call):
                name = _setattr_parts(node, receiver)
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    found.names.setdefault(name.value, (method.name, node.lineno))
                elif found.every_field is None and (
                    (isinstance(name, ast.Attribute) and name.attr == "name" and isinstance(name.value, ast.Name)
                     and loops.get(name.value.id) is True)
                    or (isinstance(name, ast.Name) and loops.get(name.id) is False)
                ):
                    found.every_field = (method.name, node.lineno)
    return found
