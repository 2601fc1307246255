from __future__ import annotations

import ast
from typing import Iterator

from flake8_tradelint.analysis.class_makers import is_installed
from flake8_tradelint.analysis.dataclass_model import (
    FieldInfo,
    class_model,
    field_location,
    is_field_call,
    is_upper_constant,
    overridden_fields,
)
from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.plan import FixSpec
from flake8_tradelint.fix.specs import classvar_safety, wrap_classvar_edit
from flake8_tradelint.registry import Report, Rule


class DataclassFieldOverriddenByClassAttribute(Rule):
    """## What it does
    Flags a class attribute in a subclass that tries to override a field inherited from a
    dataclass-like base, including an undecorated subclass that re-annotates the field.
    The base may live in another first-party module.

    ## Why is this bad?
    The base's generated `__init__` assigns the field on every instance, so instances never see
    the subclass's value (verified on CPython: `SignalsSchema(...).CACHE_KEY == ""`).

    ## Example
    ```python
    from dataclasses import dataclass

    @dataclass
    class CacheSchema:
        CACHE_KEY: str = ""

    class SignalsSchema(CacheSchema):
        CACHE_KEY = "analysis:signals"
    ```

    ## Use instead
    ```python
    from dataclasses import dataclass
    from typing import ClassVar

    @dataclass
    class CacheSchema:
        CACHE_KEY: ClassVar[str] = ""

    class SignalsSchema(CacheSchema):
        CACHE_KEY = "analysis:signals"
    ```

    ## Fix safety
    The fix belongs in the base class (possibly another file) and has TRD101's safety.
    """

    code = "TRD102"
    name = "dataclass-field-overridden-by-class-attribute"
    incident = "001"
    fix_availability = "sometimes"

    @staticmethod
    def message(cls: str, name: str, base: str, where: str) -> str:
        """``where`` locates the base's field for the reader, e.g. `` (schemas/base.py:19)``, or is empty."""
        return (
            f"`{name}` in `{cls}` does not override what instances see: `{name}` is a dataclass field of "
            f"`{base}`{where}, whose `__init__` sets its default on every instance; "
            f"make `{base}.{name}` a `ClassVar`"
        )

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        for node in module.index.classes:
            for stmt, name, info in overridden_fields(module, node):
                message = self.message(node.name, name, info.owner.name, field_location(info, ctx.path))
                yield Report(stmt, message, _fix(ctx, stmt, name, info))


def _fix(ctx: FileContext, stmt: ast.stmt, name: str, info: FieldInfo) -> FixSpec | None:
    """Make the base's field a ``ClassVar``; an annotated override becomes one too, so the
    subclass stays consistent with its base. Turning a lower-case field (a value each instance
    may set) into a class constant is a bigger change than the finding: unsafe."""
    base = info.owner
    if is_installed(base.module) or not isinstance(info.node, ast.AnnAssign):
        return None  # an installed package is not the project's to edit; attrs' ``x = attr.ib()``
    if is_field_call(base.module, info.node.value):
        return None
    edits = [wrap_classvar_edit(base.module, info.node, other_file=base.module is not ctx.module)]
    if isinstance(stmt, ast.AnnAssign):
        edits.append(wrap_classvar_edit(ctx.module, stmt, other_file=False))
    subclass = class_model(ctx.module, ctx.module.enclosing_scope(stmt))  # type: ignore[arg-type]
    safe = (
        is_upper_constant(name)
        and classvar_safety(base, name) == "safe"
        and classvar_safety(subclass, name) == "safe"
    )
    return FixSpec(f"Annotate `{base.name}.{name}` as `ClassVar`", "safe" if safe else "unsafe", tuple(edits))

