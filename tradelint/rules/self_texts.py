"""TRD202's text for an attribute never closed, and the guard of its fix: an attribute a method
gives to a call it does not await (which may keep it beyond the class's release)."""

from __future__ import annotations

import ast

from tradelint.core.messages import Text, fit, fit_help
from tradelint.facts.file_context import FileContext
from tradelint.facts.release_names import release_arguments
from tradelint.facts.uses import only_reads_arguments


def lent_unawaited(ctx: FileContext, cls: ast.ClassDef, name: str) -> bool:
    """Whether a method of ``cls`` gives ``self.name`` to a call it does not await (not a logger's)."""
    for node in ast.walk(cls):
        if not isinstance(node, ast.Call) or isinstance(ctx.module.parent(node), ast.Await) or only_reads_arguments(ctx.module, node):
            continue
        for arg in (*node.args, *(k.value for k in node.keywords)):
            if isinstance(arg, ast.Attribute) and arg.attr == name and isinstance(arg.value, ast.Name) and arg.value.id == "self":
                return True
    return False


def never_closed_text(name: str, close: str, shutdown: str | None, add: str, cls: str, label: str, function: str) -> Text:
    """``close`` releases it (a first-party type's own method); ``shutdown`` is the class's own
    release method, where the call belongs, if it has one; else ``add`` is the one to add."""
    where = "call its `{close}({arguments})` in `{shutdown}()`" if shutdown else "add a `{add}()` method that calls its `{close}({arguments})`"
    return Text(
        fit("`self.{name}` is never closed; " + where, name=name, close=close, arguments=release_arguments(close), shutdown=shutdown or "", add=add),
        fit_help("Each `{cls}` leaks the `{label}(...)` it makes in `{function}()`", cls=cls, label=label, function=function),
    )

