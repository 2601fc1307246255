from __future__ import annotations

import ast
from typing import Iterator

from flake8_tradelint.analysis.class_members import close_match, known_members
from flake8_tradelint.analysis.receiver_types import UNKNOWN, find_class, types_for
from flake8_tradelint.analysis.rename_model import facts_for
from flake8_tradelint.analysis.uses import self_name
from flake8_tradelint.engine import FileContext
from flake8_tradelint.registry import Report, Rule


class MisspelledAttribute(Rule):
    """## What it does
    Flags `obj.name` where `obj` is proven to be an instance (or the class) of a first-party
    class that defines no `name` anywhere (its body, `self.x` assignments, first-party bases,
    `__slots__`) and cannot gain one dynamically (no `__getattr__`, `setattr`, `__dict__`, unknown
    base, metaclass or class decorator), but defines a close match: `obj.spot_market` when the
    class has `spot_markets`.

    ## Why is this bad?
    It raises `AttributeError` on the path that reads it, often only in production, and the
    message names the object rather than the typo or the rename behind it.

    ## Example
    ```python
    class Vat:
        def __init__(self) -> None:
            self.spot_markets = {}

    def count(vat: Vat) -> int:
        return len(vat.spot_market)
    ```

    ## Use instead
    ```python
    def count(vat: Vat) -> int:
        return len(vat.spot_markets)
    ```

    ## Fix safety
    No automatic fix: the suggestion is the closest name, not necessarily the meant one. When the
    name was renamed on purpose, `tradelint renames --since REV` writes the `renames` entry for
    TRD401, whose fix is safe on proven receivers.
    """

    code = "TRD403"
    preview = True
    name = "misspelled-attribute"
    incident = "000"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        types = types_for(module, facts_for(ctx.config.rename_packs))
        stored = {node.attr for node in module.index.attributes if not isinstance(node.ctx, ast.Load)}
        for node in module.index.attributes:
            if not isinstance(node.ctx, ast.Load) or node.attr.startswith("__") and node.attr.endswith("__"):
                continue
            mangled = node.attr.startswith("__")
            if node.attr in stored and not mangled:
                # Set on some object in this module: perhaps on this very one, from outside.
                continue
            if _own_receiver(ctx, node) and not mangled:
                # A method reading ``self.x`` its class never sets is how mixins and template
                # methods work: a subclass or sibling provides it. Name-mangled ``self.__x`` is
                # the exception: no other class can provide it.
                continue
            type_name = types.receiver_type(node.value, node)
            if type_name == UNKNOWN:
                continue
            found = find_class(module, type_name)
            if found is None:
                continue
            members = known_members(*found)
            if members is None or node.attr in members:
                continue
            suggestion = close_match(node.attr, members)
            if suggestion is None:
                continue
            receiver = ast.unparse(node.value)
            yield Report(
                node,
                f"`{receiver}.{node.attr}`: `{type_name}` defines no `{node.attr}`; did you mean `{suggestion}`?",
            )


def _own_receiver(ctx: FileContext, node: ast.Attribute) -> bool:
    """``self.x`` (or ``cls.x``) in a method of the class itself."""
    func = ctx.module.enclosing_function(node)
    return (
        func is not None
        and ctx.module.enclosing_class(node) is not None
        and isinstance(node.value, ast.Name)
        and node.value.id == self_name(func)
    )
