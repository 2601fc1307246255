"""A resource a class factory hands into the instance it returns is its callers' to release.

``session = ClientSession(); return cls(url, session)`` in a class or static method the model
reads as a factory (:func:`class_factories.class_factory`): the returned instance carries the
session to the caller, and when the class never releases it, the caller is judged for it by
``owner_leaks`` ("never closes its ``self.session``"). The factory owes no
release of its own: the ``async with`` a finding there would advise closes the session before
the instance is used. A module function that does the same is left as it is judged (its
callers are not judged for the holder's part)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.uses import name_loads
from tradelint.models.resources.class_factories import class_factory
from tradelint.models.resources.factories import BuiltinSpec, imported_factory


def handed_into_returned_instance(module: ModuleInfo, model: OwnershipModel, builtin_spec: BuiltinSpec, call: ast.Call) -> bool:
    """Whether ``call`` (directly, or through a local bound to it that is used for nothing
    else) is an argument of the constructor call its class factory returns."""
    function = module.enclosing_function(call)
    if function is None:
        return False
    cls = module.parent(function)
    if not isinstance(cls, ast.ClassDef):
        return False
    decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
    if not decorators & {"classmethod", "staticmethod"}:
        return False
    value: ast.AST = call
    parent = module.parent(value)
    if isinstance(parent, ast.Await):
        value, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        loads = list(name_loads(function, parent.targets[0].id))
        if len(loads) != 1:
            return False
        value, parent = loads[0], module.parent(loads[0])
    if isinstance(parent, ast.keyword):
        parent = module.parent(parent)
    if not (isinstance(parent, ast.Call) and isinstance(module.parent(parent), ast.Return)):
        return False
    if value not in parent.args and value not in [k.value for k in parent.keywords]:
        return False
    if not _names_the_class(parent.func, cls, function, "classmethod" in decorators):
        return False
    spec = class_factory(
        module, ast.Attribute(ast.Name(cls.name, ast.Load()), function.name, ast.Load()), builtin_spec, model, imported_factory
    )
    # Only a holder that never releases it (``spec.holds``): its callers are told so. A holder
    # with a release of its own that leaves this part open leaks it whoever calls that release:
    # that is found here, where it is made.
    return spec is not None and bool(spec.holds)


def _names_the_class(func: ast.expr, cls: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, is_classmethod: bool) -> bool:
    if not isinstance(func, ast.Name):
        return False
    if func.id == cls.name:
        return True
    args = function.args.posonlyargs + function.args.args
    return is_classmethod and bool(args) and func.id == args[0].arg
