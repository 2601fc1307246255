"""A local task kept through its bound ``cancel``: the method object holds the task (its
``__self__``), and whoever is given it decides when the task ends.

``return t.cancel`` from an effect callback hands the framework its cleanup, which it runs on
unmount; ``self._cleanups.append(t.cancel)`` leaves it to the owner's end, which calls each
cleanup it keeps. Either way the task is neither dropped nor unowned: it is kept as strongly as
``self._cleanups.append(t)`` would keep it, and ended where that list is. Not when the bound
method is only read (``print(t.cancel)``) or put in a plain local (``stop = t.cancel``) that
the function may drop: that keeps it only for as long as the frame.

Asked by TRD302 of each load of the local task; it reads no other layer of the task model."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import classify, only_reads_arguments


def bound_cancel_kept(module: ModuleInfo, load: ast.expr) -> bool:
    """``load`` is the task in ``task.cancel`` (not called), and that bound method is returned,
    handed to a call that keeps what it is given, put in a collection, or stored on an attribute
    or in a subscript."""
    bound = module.parent(load)
    if not (isinstance(bound, ast.Attribute) and bound.value is load and bound.attr == "cancel"):
        return False
    holder = module.parent(bound)
    if isinstance(holder, ast.Call) and holder.func is bound:
        return False  # ``task.cancel()``: an end, judged as such elsewhere
    return _kept(module, bound, 0)


def _kept(module: ModuleInfo, node: ast.expr, depth: int) -> bool:
    use = classify(module, node)
    holder = module.parent(node)
    if use.kind == "argument":
        return use.call is not None and not only_reads_arguments(module, use.call)
    if use.kind == "return":
        return not isinstance(holder, ast.Lambda)
    if use.kind == "container":
        # ``self._cleanups = [t.cancel]``, ``return (t.cancel, other)``: the display is kept.
        return isinstance(holder, (ast.List, ast.Tuple, ast.Set, ast.Dict)) and depth < 2 and _kept(module, holder, depth + 1)
    if use.kind == "alias":
        targets = holder.targets if isinstance(holder, ast.Assign) else [getattr(holder, "target", None)]
        return all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)
    return False
