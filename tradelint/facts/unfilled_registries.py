"""A loop over a registry nothing the application runs ever fills: ``for callback in
self._callbacks:`` where ``self._callbacks`` starts empty and only a ``register_callback()``
nothing calls adds to it.

Applications keep observer lists for callers that never came (a ``register_size_change_callback``
no module calls; a ``register_callback`` named only in a docstring's example). The loop that
calls them back (``asyncio.create_task(callback(...))``) never runs its body: a finding about a
resource or a task (TRD2xx, TRD3xx) made there describes code that never runs
(``benchmarks/labels/heads70_a*.tsv``: two such tasks labelled false).

A finding lies in such a loop only when all of these hold, each a way the registry could hold
something:

- the finding lies in the body of a ``for`` (or a comprehension) of a method of a module-level
  class, iterating ``self.A`` or an element of it (``self.A[key]``), directly, through
  ``list()``/``tuple()``/``sorted()``, or its ``values()``/``items()``/``copy()``;
- every word ``A`` in code anywhere in the project (not in prose:
  :func:`~tradelint.facts.prose_mentions.code_words`) is an attribute of ``self`` in a method of
  that class: no other class (a base, a subclass) and no other object touches it, no string
  names it (``getattr(self, "A")``);
- each such use either stores an empty container (``self.A = []``, ``{}``, ``set()``, ``list()``,
  ``dict()``), reads it in place (iterated as above, ``len()``, tested, ``x in self.A``, an
  element read, ``get()``), removes from it (``remove()``, ``discard()``, ``pop()``, ``clear()``,
  ``del self.A[k]``), or adds to it or to an element of it (``append()``, ``add()``, ``extend()``,
  ``insert()``, ``update()``, ``setdefault()``, ``self.A[k] = v``, ``+=``) in a method the
  application never runs (:func:`~tradelint.facts.unreachable.uncalled`); any other use (the
  registry handed to a call, returned, aliased) may fill it;
- the class has no decorator, no metaclass and a lineage of first-party classes only (a library
  base may fill it), and no module of its lineage looks names up at run time (``getattr``,
  ``vars``); the module is not a test module, and belongs to an application (as for
  ``uncalled``).

A ``mentions A`` scan is noted for the cache."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.prose_mentions import code_words
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.unreachable import application, first_party_lineage, looked_up_by_name, uncalled

__all__ = ["in_unfilled_loop"]

_EMPTY_MAKERS = frozenset({"list", "dict", "set"})
_ITERATED_THROUGH = frozenset({"list", "tuple", "sorted", "reversed", "enumerate"})
_VIEWS = frozenset({"values", "items", "keys", "copy"})
_READS = frozenset({"get", "count", "index", "keys", "values", "items", "copy"})
_REMOVALS = frozenset({"remove", "discard", "pop", "clear", "popitem"})
_ADDITIONS = frozenset({"append", "add", "extend", "insert", "update", "setdefault", "appendleft", "extendleft"})


def in_unfilled_loop(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` lies in the body of a loop over a registry of its class that only code
    the application never runs fills (see the module's docstring)."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (ast.For, ast.AsyncFor)) and child in ancestor.body:
            iterated = [ancestor.iter]
        elif isinstance(ancestor, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) and child not in ancestor.generators:
            iterated = [g.iter for g in ancestor.generators]
        else:
            iterated = []
        child = ancestor
        for expr in iterated:
            attr = _iterated_attribute(expr)
            if attr is not None and _never_filled(module, ancestor, attr):
                return True
    return False


def _iterated_attribute(expr: ast.expr) -> str | None:
    """``A`` of an iteration over ``self.A`` (see the module's docstring)."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _ITERATED_THROUGH and len(expr.args) == 1:
        expr = expr.args[0]
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _VIEWS and not expr.args:
        expr = expr.func.value
    if isinstance(expr, ast.Subscript):
        expr = expr.value
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
        return expr.attr
    return None


def _never_filled(module: ModuleInfo, loop: ast.AST, attr: str) -> bool:
    method = _outermost_method(module, loop)
    if method is None or in_tests(module) or not application(module):
        return False
    cls = module.parent(method)
    root = project_root(module)
    text = module.text
    if not isinstance(cls, ast.ClassDef) or root is None or text is None or cls.decorator_list or cls.keywords:
        return False
    if not first_party_lineage(module, cls) or any(looked_up_by_name(owner) for owner, _ in class_and_bases(module, cls)):
        return False  # (a library base may fill it; ``setattr``/``vars`` may reach it by a computed name)
    memo = module.project.class_memo
    key = ("never_filled", cls, attr)
    module.project.note_scan(f"mentions {attr}", root)
    if key not in memo:
        memo[key] = _only_unrun_fills(module, root, cls, attr, text)
    return bool(memo[key])


def _only_unrun_fills(module: ModuleInfo, root: Path, cls: ast.ClassDef, attr: str, text: str) -> bool:
    for path, data in files_naming(module.project, root, attr, skip=module.path):
        other = module.project.module_at(path)
        if other is None or code_words(other, data.decode("utf-8", "surrogateescape"), attr) > 0:
            return False  # (another module touches it, or names it in a string)
    uses = [n for n in ast.walk(module.tree) if isinstance(n, ast.Attribute) and n.attr == attr]
    if code_words(module, text, attr) != len(uses):
        return False  # (a string, a keyword, a name of that word in the module)
    for use in uses:
        method = _outermost_method(module, use)
        if not (isinstance(use.value, ast.Name) and use.value.id == "self") or method is None or module.parent(method) is not cls:
            return False
        kind = _use_kind(module, use)
        if kind is None or kind == "add" and not uncalled(module, use):
            return False
    return True


def _outermost_method(module: ModuleInfo, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, FUNCTION_NODES):
            found = ancestor
    if found is None:
        return None
    cls = module.parent(found)
    return found if isinstance(cls, ast.ClassDef) and isinstance(module.parent(cls), ast.Module) else None


def _use_kind(module: ModuleInfo, use: ast.Attribute) -> str | None:
    """``"empty"``, ``"read"``, ``"remove"`` or ``"add"`` for a use of ``self.A``; None for any
    other (see the module's docstring)."""
    parent = module.parent(use)
    if isinstance(use.ctx, ast.Store):
        value = parent.value if isinstance(parent, (ast.Assign, ast.AnnAssign)) else None
        return "empty" if value is not None and _empty(value) else None
    if isinstance(use.ctx, ast.Del):
        return None
    if isinstance(parent, ast.AugAssign) and parent.target is use:
        return "add"
    if isinstance(parent, ast.Subscript) and parent.value is use:
        holder = module.parent(parent)
        if isinstance(parent.ctx, ast.Store):
            return "add"
        if isinstance(parent.ctx, ast.Del):
            return "remove"
        if isinstance(holder, ast.Attribute) and holder.value is parent:
            call = module.parent(holder)
            if isinstance(call, ast.Call) and call.func is holder:
                return "add" if holder.attr in _ADDITIONS else "remove" if holder.attr in _REMOVALS else "read" if holder.attr in _READS else None
            return None
        return _read_in_place(module, parent)
    if isinstance(parent, ast.Attribute) and parent.value is use:
        call = module.parent(parent)
        if not (isinstance(call, ast.Call) and call.func is parent):
            return None
        if parent.attr in _ADDITIONS:
            return "add"
        if parent.attr in _REMOVALS:
            return "remove"
        return "read" if parent.attr in _READS and _read_in_place(module, call) else None
    return _read_in_place(module, use)


def _read_in_place(module: ModuleInfo, expr: ast.expr) -> str | None:
    """``"read"`` when ``expr`` (the registry, an element or a view of it) is iterated, measured,
    tested or searched, and given nowhere."""
    parent = module.parent(expr)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is expr:
        return "read"
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is expr:
        return "read"
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return "read"
    if isinstance(parent, ast.BoolOp):
        return _read_in_place(module, parent)
    if isinstance(parent, ast.Compare) and expr in parent.comparators and all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
        return "read"
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.args == [expr] and not parent.keywords:
        if parent.func.id == "len":
            return "read"
        if parent.func.id in _ITERATED_THROUGH or parent.func.id == "bool":
            return _read_in_place(module, parent)
    return None


def _empty(value: ast.expr) -> bool:
    """``[]``, ``{}``, ``set()``, ``list()``, ``dict()``."""
    if isinstance(value, (ast.List, ast.Set, ast.Tuple)) and not value.elts:
        return True
    if isinstance(value, ast.Dict) and not value.keys:
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _EMPTY_MAKERS and not value.args and not value.keywords
