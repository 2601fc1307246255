"""TRD401 with receiver types: owner-qualified entries of ``[tool.tradelint] renames`` and of the
enabled rename packs.

The hooks fire where mypy resolves an attribute that exists (``get_attribute_hook`` for fields
and properties, ``get_class_attribute_hook`` on the class object, ``get_method_hook`` for method
calls, and for ``__getattr__`` classes), with the receiver's inferred type: through return types,
attributes of other objects, ``Optional`` narrowing and unions. That is the deprecated-alias case,
which mypy alone never reports. String references (``getattr(vat, "spot_map")`` and friends) go
through the function hook of the builtin, whether the attribute still exists or not.

An access to a name that no longer exists reaches no hook at all: mypy reports ``attr-defined``
from ``checkmember.report_missing_attribute`` without consulting plugins. The rename for those
lines comes from the core (``tradelint``, flake8), which reports them by source analysis.

Unqualified entries stay with the core too: an attribute that exists on a known receiver type is,
by the rule's own definition, that class's attribute and not a stale name.
"""

from __future__ import annotations

from typing import Callable

from mypy.nodes import CallExpr, Context, Expression, MemberExpr, StrExpr, SymbolTableNode, TypeInfo
from mypy.types import CallableType, Instance, ProperType, Type, TypeType, TypeVarType, UnionType, get_proper_type

from mypy_plugin.source import render
from tradelint.api import Config, Rename, RenamedAttribute

STRING_ACCESSORS = frozenset({"builtins.getattr", "builtins.hasattr", "builtins.setattr", "builtins.delattr"})

Lookup = Callable[[str], "SymbolTableNode | None"]


def receiver_classes(typ: Type) -> list[TypeInfo]:
    """The classes an expression of this type can be an instance (or the class object) of."""
    proper: ProperType = get_proper_type(typ)
    if isinstance(proper, UnionType):
        return [info for item in proper.items for info in receiver_classes(item)]
    if isinstance(proper, Instance):
        return [proper.type]
    if isinstance(proper, TypeType):
        return receiver_classes(proper.item)
    if isinstance(proper, CallableType) and proper.is_type_obj():
        return [proper.type_object()]
    if isinstance(proper, TypeVarType):
        return receiver_classes(proper.upper_bound)
    return []


def matching_rename(config: Config, old: str, receiver: Type, lookup: Lookup) -> Rename | None:
    """The owner-qualified rename of ``old`` that applies to a receiver of this type: the receiver
    is the owner or a subclass, and no class between them defines ``old`` itself."""
    classes = receiver_classes(receiver)
    for rename in config.all_renames:
        if rename.old != old or rename.owner is None:
            continue
        symbol = lookup(rename.owner)
        owner = symbol.node if symbol is not None else None
        if not isinstance(owner, TypeInfo):
            continue  # the owner's module is not part of this build
        for info in classes:
            if not info.has_base(owner.fullname):
                continue
            definer = next((base for base in info.mro if old in base.names), None)
            if definer is None or owner.has_base(definer.fullname):
                return rename
    return None


def string_message(rename: Rename) -> str:
    return RenamedAttribute.string_message(rename)


def attribute_message(context: Context, rename: Rename) -> str | None:
    """The core's message for ``receiver.old``, from the member expression (or the call of it)."""
    if isinstance(context, CallExpr):
        context = context.callee
    if not isinstance(context, MemberExpr):
        return None
    return RenamedAttribute.attribute_message(render(context.expr), rename)


def string_reference(args: list[list[Expression]]) -> StrExpr | None:
    """The attribute-name argument of ``getattr(obj, "name", ...)`` and its siblings."""
    if len(args) > 1 and args[1] and isinstance(args[1][0], StrExpr):
        return args[1][0]
    return None
