"""The end of life a class's base declares for its subclasses, and a close that it never reaches
(issue 28 point 5: closed on one end of life, not on the one that runs).

A plugin framework ends the objects it made by calling one method of theirs: a base class
declares it as an empty hook for subclasses to fill (``async def shutdown(self):`` and a
docstring only), and the manager awaits it on every plugin it loaded. A subclass whose only
close of what it holds is its own ``__aexit__`` is never closed there: the framework makes the
instance from its configuration and never enters it, and the hook it calls is the base's empty
one (IBM/mcp-context-forge ``d1e15b74``: two plugins closed their HTTP clients only in
``__aexit__`` while the manager ended plugins with ``shutdown()``).

The hook is proven, never guessed by its name alone:

- a first-party base of the class defines it as a public ``async def`` named as a release
  (``close``, ``stop``, ``shutdown``, ``cleanup``...) whose body does nothing (a docstring,
  ``pass``, ``...``, a bare ``return``): the base says what ends an instance and leaves the
  release to the subclass;
- or, when the base is not the project's (an import that cannot be read), other classes of the
  project built on the same base release an attribute of theirs in such a method
  (``async def shutdown(self): await self._http.aclose()``): that is the end their framework
  calls.

The class's own lineage then answers whether that hook (the subclass's override, if any, or the
base's empty one) reaches ``__aexit__`` through calls on ``self``: when it does not, a close in
``__aexit__`` alone does not run when the framework ends the instance.
"""

from __future__ import annotations

import ast
from typing import Iterator, cast

from tradelint.facts.class_family import class_and_bases, resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.summaries import DUNDER_RELEASE, is_release_name
from tradelint.facts.syntax import base_class, class_method, class_methods

# One (hook, base) pair per class: asked for each release found in an ``__aexit__``.
_MEMO_KEY = "end-hook"


def hook_missing_exit(module: ModuleInfo, cls: ast.ClassDef) -> tuple[str, str] | None:
    """``(hook, base)`` when ``cls`` has an ``async def __aexit__`` of its own and its base
    ``base`` declares ``hook`` as the end of an instance (see the module's text), which the
    class's lineage never leads to ``__aexit__``; None otherwise."""
    if class_method(cls, "__aexit__", ast.AsyncFunctionDef) is None:
        return None
    memo = module.project.class_memo
    key = (_MEMO_KEY, cls)
    if key not in memo:
        memo[key] = _hook_missing_exit(module, cls)
    return cast("tuple[str, str] | None", memo[key])


def _hook_missing_exit(module: ModuleInfo, cls: ast.ClassDef) -> tuple[str, str] | None:
    family = class_and_bases(module, cls)
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for _, member in family:  # the nearest definition of each name, as the lineage resolves it
        for name, method in class_methods(member).items():
            methods.setdefault(name, method)
    for hook, base in _declared_hooks(module, cls, family):
        if "__aexit__" not in _reached(methods, hook):
            return hook, base
    return None


_TYPING = frozenset({"typing", "typing_extensions"})


def _declared_hooks(
    module: ModuleInfo, cls: ast.ClassDef, family: list[tuple[ModuleInfo, ast.ClassDef]]
) -> Iterator[tuple[str, str]]:
    for _, base in family[1:]:
        for name, method in class_methods(base).items():
            if _is_hook_name(name) and isinstance(method, ast.AsyncFunctionDef) and _does_nothing(method):
                yield name, base.name
    for base_expr in map(base_class, cls.bases):
        if resolve_class_node(module, base_expr) is not None:
            continue
        qualified = module.imports.qualify(base_expr)
        if qualified is None or qualified.partition(".")[0] in _TYPING:
            continue  # (``Generic[T]``, ``Protocol``: a type's form, no life a framework ends)
        for hook in _sibling_hooks(module, cls, qualified):
            yield hook, qualified.rpartition(".")[2]


def _is_hook_name(name: str) -> bool:
    return not name.startswith("_") and name not in DUNDER_RELEASE and is_release_name(name)


def _does_nothing(method: ast.AsyncFunctionDef) -> bool:
    """A body of a docstring, ``pass``, ``...`` or a bare ``return`` (``return None``)."""
    for stmt in method.body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a docstring, ``...``
        if isinstance(stmt, ast.Return) and (stmt.value is None or (isinstance(stmt.value, ast.Constant) and stmt.value.value is None)):
            continue
        return False
    return True


def _sibling_hooks(module: ModuleInfo, cls: ast.ClassDef, qualified: str) -> set[str]:
    """The release-named public methods in which the project's other classes built on the
    library base ``qualified`` close an attribute of their own."""
    root = project_root(module) or (module.roots[0] if module.roots else None)
    if root is None:
        return set()
    word = qualified.rpartition(".")[2]
    module.project.note_scan(f"mentions {word}", root)
    hooks: set[str] = set()
    others = (other for path, _ in files_naming(module.project, root, word, skip=module.path)
              if (other := module.project.module_at(path)) is not None)
    for other in (module, *others):
        for node in ast.walk(other.tree):
            if not isinstance(node, ast.ClassDef) or node is cls:
                continue
            if not any(other.imports.qualify(base_class(base)) == qualified for base in node.bases):
                continue
            for name, method in class_methods(node).items():
                if _is_hook_name(name) and isinstance(method, ast.AsyncFunctionDef) and _closes_own_attribute(method):
                    hooks.add(name)
    return hooks


def _closes_own_attribute(method: ast.AsyncFunctionDef) -> bool:
    """``await self.<x>.aclose()`` (any release-named method of an attribute), awaited."""
    if not method.args.args:
        return False
    me = method.args.args[0].arg
    for node in ast.walk(method):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if (
            isinstance(func, ast.Attribute)
            and is_release_name(func.attr)
            and isinstance(held := func.value, ast.Attribute)
            and isinstance(held.value, ast.Name)
            and held.value.id == me
        ):
            return True
    return False


def _reached(methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], start: str) -> set[str]:
    """The methods ``start`` calls on ``self`` (or on ``super()``), transitively, with ``start``."""
    reached = {start}
    stack = [start]
    while stack:
        method = methods.get(stack.pop())
        if method is None or not method.args.args:
            continue
        me = method.args.args[0].arg
        for node in ast.walk(method):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            on_self = isinstance(receiver, ast.Name) and receiver.id == me
            on_super = isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super"
            if (on_self or on_super) and node.func.attr not in reached:
                reached.add(node.func.attr)
                stack.append(node.func.attr)
    return reached



def exit_close_missed_by_hook(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> tuple[str, str] | None:
    """:func:`hook_missing_exit` for a class whose own ``__aexit__`` names ``self.attr``."""
    exit_ = class_method(cls, "__aexit__", ast.AsyncFunctionDef)
    if exit_ is None or not exit_.args.args:
        return None
    me = exit_.args.args[0].arg
    if not any(
        isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == me
        for node in ast.walk(exit_)
    ):
        return None
    return hook_missing_exit(module, cls)
