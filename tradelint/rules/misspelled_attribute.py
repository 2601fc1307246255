from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core.messages import Text, fit, fit_help, short_type
from tradelint.core.registry import Report, Rule
from tradelint.facts.class_family import subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.file_context import FileContext
from tradelint.facts.syntax import FUNCTION_NODES, in_function_frame
from tradelint.facts.uses import self_name
from tradelint.models.renames.attribute_guards import guarded
from tradelint.models.renames.class_members import MIN_LENGTH, close_match, known_members
from tradelint.models.renames.receiver_types import UNKNOWN, find_class, types_for
from tradelint.models.renames.rename_model import facts_for


class MisspelledAttribute(Rule):
    """## What it does
    Flags `obj.name` where `obj` is proven to be an instance (or the class) of a first-party
    class that defines no `name` anywhere (its body, `self.x` assignments, first-party bases,
    `__slots__`) and cannot gain one dynamically (no `__getattr__`, `setattr`, `__dict__`, unknown
    base, metaclass or class decorator), but defines a close match: `obj.spot_market` when the
    class has `spot_markets`. An access the code expects may fail is not reported: guarded by
    `hasattr`, read elsewhere with `getattr(obj, "name", default)`, or inside
    `try: ... except AttributeError:`; nor is a receiver whose class comes from an import with an
    `ImportError` fallback, or `await X()` (what awaiting gives, not an `X`); nor a name some
    class the project builds on the receiver's class defines (a receiver declared as the base may
    hold that subclass).

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
    # An attribute read is all it needs, of a class of the same module too (no import): a dot.
    triggers = (".",)
    preview = True
    name = "misspelled-attribute"
    incident = "000"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        types = types_for(module, facts_for(ctx.config.rename_packs))
        stored = {node.attr for node in module.index.attributes if not isinstance(node.ctx, ast.Load)}
        functions = _FunctionFinder(module)
        # Per type: the members of the first-party class it names, None when not known or not one.
        classes: dict[str, frozenset[str] | None] = {}
        # Per name: whether a load of it can be reported at all, before its receiver is typed.
        worth: dict[str, bool] = {}
        for node in module.index.attributes:
            if type(node.ctx) is not ast.Load:
                continue
            attr = node.attr
            is_worth = worth.get(attr)
            if is_worth is None:
                is_worth = worth[attr] = _worth_typing(attr, stored)
            if not is_worth:
                continue
            mangled = attr.startswith("__")
            func = functions.around(node)
            if not mangled and _own_receiver(module, func, node):
                # A method reading ``self.x`` its class never sets is how mixins and template
                # methods work: a subclass or sibling provides it. Name-mangled ``self.__x`` is
                # the exception: no other class can provide it.
                continue
            type_name = types.type_in(node.value, func)
            if type_name == UNKNOWN:
                continue
            if type_name not in classes:
                classes[type_name] = _closed_class_members(module, type_name)
            members = classes[type_name]
            if members is None or attr in members or guarded(module, node):
                continue
            suggestion = close_match(attr, members)
            if suggestion is None or _defined_on_a_subclass(module, type_name, attr):
                continue
            text = _text(ast.unparse(node.value), attr, type_name, suggestion)
            yield Report(node, text.message, help=text.help)


def _text(receiver: str, attr: str, type_name: str, suggestion: str) -> Text:
    """The class by its own name in the message, in full in the help."""
    names = {"receiver": receiver, "attr": attr, "cls": short_type(type_name), "suggestion": suggestion}
    return Text(
        fit("`{receiver}.{attr}` is not defined on `{cls}`; did you mean `{suggestion}`?", **names),
        fit_help("No class in `{type}`'s hierarchy has it: reading it raises `AttributeError`", type=type_name),
    )


def _worth_typing(attr: str, stored: set[str]) -> bool:
    if attr.startswith("__") and attr.endswith("__"):
        return False
    if len(attr) < MIN_LENGTH:
        return False  # no suggestion for so short a name
    # Set on some object in this module: perhaps on this very one, from outside. (Name-mangled
    # ``self.__x`` is private to its class: a store elsewhere is another attribute.)
    return attr not in stored or attr.startswith("__")


def _defined_on_a_subclass(module: ModuleInfo, type_name: str, attr: str) -> bool:
    """Whether a class of the project built on ``type_name`` (at any depth) has ``attr``: a
    receiver declared as the base may hold an instance of it (a producer's `self.channel`, typed
    as the base `Channel`, is the subclass whose `get_filtered_consumers` it calls)."""
    found = find_class(module, type_name)
    todo = [found] if found is not None else []
    seen: set[ast.ClassDef] = set()
    while todo and len(seen) < _SUBCLASS_LIMIT:
        home, cls = todo.pop()
        for sub_home, sub in subclasses_in_project(home, cls, mixins_only=False):
            if sub in seen:
                continue
            seen.add(sub)
            members = known_members(sub_home, sub)
            if members is None or attr in members:
                return True  # open, or defines it
            todo.append((sub_home, sub))
    return False


_SUBCLASS_LIMIT = 200  # classes looked at before giving up the search (then: reported as before)


def _closed_class_members(module: ModuleInfo, type_name: str) -> frozenset[str] | None:
    found = find_class(module, type_name)
    return known_members(*found) if found is not None else None


class _FunctionFinder:
    """The function around a node, each ancestor looked at once for all the nodes below it."""

    def __init__(self, module: ModuleInfo) -> None:
        self.parents = module.index.parents
        self.found: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None] = {}

    def around(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        # Not the function whose annotations, defaults or decorators hold the node: those are
        # evaluated in the enclosing scope. A function is never remembered for that reason: the
        # answer for it depends on the child it is reached from.
        parents, found = self.parents, self.found
        path = []
        child, current = node, parents.get(node)
        result: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        while current is not None:
            if isinstance(current, FUNCTION_NODES):
                if in_function_frame(current, child):
                    result = current
                    break
            elif current in found:
                result = found[current]
                break
            else:
                path.append(current)
            child, current = current, parents.get(current)
        for ancestor in path:
            found[ancestor] = result
        return result


def _own_receiver(module: ModuleInfo, func: ast.FunctionDef | ast.AsyncFunctionDef | None, node: ast.Attribute) -> bool:
    """``self.x`` (or ``cls.x``) in a method (``func``) of the class itself."""
    return (
        func is not None
        and isinstance(module.parent(func), ast.ClassDef)
        and isinstance(node.value, ast.Name)
        and node.value.id == self_name(func)
    )
