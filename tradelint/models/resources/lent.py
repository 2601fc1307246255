"""A resource handed to a library type at a parameter that type only borrows stays its creator's.

A library documents some of its types as borrowers of what they are given: redis-py's ``Redis``
made with ``connection_pool=pool`` never disconnects that pool in ``aclose()`` (it does only the
pool it made itself, or one it is told to with ``auto_close_connection_pool=True``). Such a
parameter is the spec's ``lends``; a resource passed there has not moved."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import Use
from tradelint.models.resources.resource_types import ResourceSpec


def lent_to_a_library(module: ModuleInfo, spec: ResourceSpec | None, use: Use) -> bool:
    """``use`` hands the resource to a library type at a parameter that type only borrows
    (redis-py's ``Redis(connection_pool=pool)``, whose ``aclose()`` leaves a pool it was given
    open unless told ``auto_close_connection_pool=True``): its creator still owns it, unless the
    borrower is released with the flag that releases the pool too (``await
    self._redis.aclose(close_connection_pool=True)``, where the module keeps it). Of a
    first-party class, whose release may close what it is given there, nothing is said."""
    if spec is None or spec.first_party or not spec.lends or use.call is None:
        return False
    call = use.call
    if _flagged(call, "auto_close_connection_pool") or _released_with_its_pool(module, call):
        return False
    for name, position in spec.lends:
        if use.keyword == name or (use.keyword is None and 0 <= position < len(call.args) and call.args[position] is use.node):
            return True
    return False


def _flagged(call: ast.Call, keyword: str) -> bool:
    """``keyword=`` given anything but ``False`` or ``None``."""
    return any(k.arg == keyword and not (isinstance(k.value, ast.Constant) and k.value.value in (False, None)) for k in call.keywords)


def _released_with_its_pool(module: ModuleInfo, call: ast.Call) -> bool:
    """The borrower ``call`` makes is bound to a name or an attribute (``self._redis = Redis(...)``)
    that the module releases with ``close_connection_pool=True``."""
    parent = module.parent(call)
    if isinstance(parent, ast.Await):
        parent = module.parent(parent)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], (ast.Name, ast.Attribute))):
        return False
    held = ast.dump(parent.targets[0], annotate_fields=False).replace("Store()", "Load()")
    return any(
        isinstance(other.func, ast.Attribute)
        and _flagged(other, "close_connection_pool")
        and ast.dump(other.func.value, annotate_fields=False) == held
        for other in module.index.calls
    )
