from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core import trigger_words
from tradelint.core.fix_plan import FixSpec
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.dataclasses.class_makers import is_installed
from tradelint.models.dataclasses.dataclass_model import (
    FieldInfo,
    class_model,
    field_location,
    overridden_fields,
)
from tradelint.models.dataclasses.fixes import override_fix


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
    When the subclass is itself a dataclass, the override is annotated with the field's type, so
    it becomes that subclass's field default and nothing else changes (unsafe when the value is
    not a literal: an unhashable default raises at import). Otherwise the fix belongs in the base
    class (possibly another file) and has TRD101's safety: safe only when the whole project proves
    nothing uses the name as a field; no fix when some code passes it to the constructor.
    """

    code = "TRD102"
    triggers = trigger_words.DATACLASS_WORDS
    name = "dataclass-field-overridden-by-class-attribute"
    incident = "001"
    fix_availability = "sometimes"

    @staticmethod
    def message(cls: str, name: str, base: str) -> str:
        return fit(
            "`{cls}.{name}` is shadowed on instances; make `{base}.{name}` a `ClassVar`", cls=cls, name=name, base=base
        )

    @staticmethod
    def help(base: str, where: str) -> str:
        """``where`` locates the base's field for the reader, e.g. `` (schemas/base.py:19)``, or is empty."""
        template = "It is a dataclass field of `{base}`" + (" {where}" if where else "") + ", set on every instance by `__init__`"
        return fit_help(template, base=base, where=where)

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        for node in module.index.classes:
            for stmt, name, info in overridden_fields(module, node):
                base = info.owner.name
                help = self.help(base, field_location(info, ctx.path))
                yield Report(stmt, self.message(node.name, name, base), _fix(ctx, stmt, name, info), help)


def _fix(ctx: FileContext, stmt: ast.stmt, name: str, info: FieldInfo) -> FixSpec | None:
    """The repair where the override stands when the subclass is itself a dataclass, else in the
    base under the whole-project proof (fix/specs.py). An installed package is not the
    project's to edit: no fix that would touch it."""
    subclass = class_model(ctx.module, ctx.module.enclosing_scope(stmt))  # type: ignore[arg-type]
    spec = override_fix(ctx.module, stmt, name, info, subclass)
    if spec is not None and is_installed(info.owner.module) and any(e.path is not None for e in spec.edits):
        return None
    return spec

