"""Check 2 of a fixed file (``verify.py``): no name unbound at runtime that the original did
not have; :func:`unbound_names` finds every read of a name that is unbound when it runs.

The scope checker is written on ``ast`` instead of using pyflakes: pyflakes is not a
runtime dependency of tradelint, and it answers a different question (names a reader may have
misspelled). What a fix must not break is what *runs*: an import under ``if TYPE_CHECKING:`` binds
nothing at runtime, annotations under ``from __future__ import annotations`` are never evaluated
(except the ``ClassVar`` a dataclass looks up), a local variable's annotation is never evaluated,
and module and class bodies run top to bottom, so a name bound below its first use is unbound.
"""

from __future__ import annotations

import ast
import builtins
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Union

from tradelint.facts.syntax import COMPREHENSION_NODES

# Names every module has at runtime without binding them.
_MODULE_NAMES = frozenset(
    {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__",
     "__path__", "__cached__", "__annotations__", "__dict__", "WindowsError"}
)
_BUILTINS = frozenset(dir(builtins)) | _MODULE_NAMES
_CLASS_NAMES = frozenset({"__module__", "__qualname__"})

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
ComprehensionNode = Union[ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Unbound:
    scope: str  # "<module>", "Desc", "Service.start", "Service.start.<listcomp>"
    name: str
    line: int


# The original's names, for the last original checked: ``apply_checked`` checks one original
# against many candidate texts when it looks for the fixes to refuse.
# Held weakly: a checked file's tree must go with its file (tests/test_memory.py).
_last_before: list[tuple[weakref.ref[ast.Module], Counter[tuple[str, str]]]] = []


def _before_counts(before_tree: ast.Module) -> Counter[tuple[str, str]]:
    if _last_before and _last_before[0][0]() is before_tree:
        return _last_before[0][1]
    counts = Counter((u.scope, u.name) for u in unbound_names(before_tree))
    _last_before[:] = [(weakref.ref(before_tree), counts)]
    return counts


def _name_problem(before_tree: ast.Module, after_tree: ast.Module) -> str | None:
    try:
        old = _before_counts(before_tree)
        found = unbound_names(after_tree)
    except RecursionError:  # the scope walk recurses; an expression nested ~300 deep is too much
        return (
            "undefined-name check failed: the file is nested too deeply to check its names "
            f"(line {_deepest_line(before_tree)})"
        )
    seen: Counter[tuple[str, str]] = Counter()
    for unbound in sorted(found, key=lambda u: u.line):
        key = (unbound.scope, unbound.name)
        seen[key] += 1
        if seen[key] > old[key]:
            where = "at module level" if unbound.scope == "<module>" else f"in `{unbound.scope}`"
            return (
                f"undefined-name check failed: `{unbound.name}` would be unbound at runtime "
                f"{where} (line {unbound.line})"
            )
    return None


def _deepest_line(tree: ast.AST) -> int:
    """The line of the most deeply nested node, found without recursion."""
    deepest, line = -1, 1
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest and hasattr(node, "lineno"):
            deepest, line = depth, node.lineno
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return line


@dataclass(eq=False)
class _Scope:
    kind: str  # module, class, function, comprehension
    qualname: str
    parent: _Scope | None
    bindings: set[str] = field(default_factory=set)  # bound anywhere in the scope, at runtime
    declared_global: set[str] = field(default_factory=set)
    bound_so_far: set[str] = field(default_factory=set)  # module and class bodies, in order


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_body(stmt: ast.If) -> list[ast.stmt]:
    """The branches of an ``if`` that can run: ``if TYPE_CHECKING:`` bodies never do."""
    if _is_type_checking(stmt.test):
        return stmt.orelse
    if isinstance(stmt.test, ast.UnaryOp) and isinstance(stmt.test.op, ast.Not) and _is_type_checking(stmt.test.operand):
        return stmt.body
    return [*stmt.body, *stmt.orelse]


def _import_binding(alias: ast.alias) -> str:
    return alias.asname or alias.name.partition(".")[0]


def _has_future_annotations(tree: ast.Module) -> bool:
    return any(
        isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__" and any(a.name == "annotations" for a in stmt.names)
        for stmt in tree.body
    )


class _Bindings(ast.NodeVisitor):
    """First pass: every name each scope binds at runtime, in any order (Python's symbol table,
    less what ``if TYPE_CHECKING:`` binds). A ``global x`` in a function binds ``x`` in the module."""

    def __init__(self, module: _Scope) -> None:
        self.module = module
        self.scope = module
        self.scopes: dict[ast.AST, _Scope] = {}
        self.star_import = False

    def bind(self, name: str) -> None:
        if name in self.scope.declared_global:
            self.module.bindings.add(name)
        else:
            self.scope.bindings.add(name)

    def nested(self, node: ast.AST, kind: str, name: str) -> _Scope:
        parent = self.scope
        qualname = name if parent.kind == "module" else f"{parent.qualname}.{name}"
        scope = self.scopes[node] = _Scope(kind, qualname, parent)
        return scope

    def enter(self, scope: _Scope, nodes: list[ast.AST]) -> None:
        outer, self.scope = self.scope, scope
        for node in nodes:
            self.visit(node)
        self.scope = outer

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        for stmt in _runtime_body(node):
            self.visit(stmt)

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared_global.update(node.names)
        if self.scope is not self.module:
            self.module.bindings.update(node.names)

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self.bind(node.id)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent  # the walrus binds in the enclosing function or module
        scope.bindings.add(node.target.id)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bind(_import_binding(alias))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.star_import = True
            else:
                self.bind(_import_binding(alias))

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bind(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.bind(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.bind(node.rest)
        self.generic_visit(node)

    def _function(self, node: FunctionNode, name: str) -> None:
        args = node.args
        outer: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outer += [*node.decorator_list, *_annotations(node)]
        for child in outer:
            self.visit(child)
        scope = self.nested(node, "function", name)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        scope.bindings.update(a.arg for a in every if a is not None)
        scope.bindings.update(_type_params(node))
        body: list[ast.AST] = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
        self.enter(scope, body)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node, node.name)
        self.bind(node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node, node.name)
        self.bind(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, "<lambda>")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child)
        scope = self.nested(node, "class", node.name)
        scope.bindings.update(_type_params(node))
        self.enter(scope, list(node.body))
        self.bind(node.name)

    def _comprehension(self, node: ComprehensionNode, name: str) -> None:
        generators = node.generators
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        scope = self.nested(node, "comprehension", name)
        parts: list[ast.AST] = []
        for index, generator in enumerate(generators):
            parts += [generator.target, *([] if index == 0 else [generator.iter]), *generator.ifs]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self.enter(scope, parts)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, "<listcomp>")

    def visit_SetComp(self, node: ast.SetComp) -> None:
        self._comprehension(node, "<setcomp>")

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, "<dictcomp>")

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        self._comprehension(node, "<genexpr>")


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    found = [a.annotation for a in every if a is not None and a.annotation is not None]
    return found + ([node.returns] if node.returns is not None else [])


def _type_params(node: ast.AST) -> list[str]:
    names = []
    for param in getattr(node, "type_params", ()):  # Python 3.12 generics
        name = getattr(param, "name", None)
        if isinstance(name, str):
            names.append(name)
    return names


def _is_dataclass(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        last = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if last == "dataclass":
            return True
    return False


def _classvar_head(annotation: ast.expr) -> ast.Name | None:
    """The name a dataclass looks up in the module to see ``ClassVar``/``InitVar`` in a string
    annotation: ``ClassVar`` of ``ClassVar[int]``, ``typing`` of ``typing.ClassVar[int]``."""
    target = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(target, ast.Name) and target.id in ("ClassVar", "InitVar"):
        return target
    if isinstance(target, ast.Attribute) and target.attr in ("ClassVar", "InitVar") and isinstance(target.value, ast.Name):
        return target.value
    return None


class _Uses(ast.NodeVisitor):
    """Second pass: every name read at runtime, judged where it runs.

    Module and class bodies run in order when the module is imported, so a name they read must
    be bound by then; function and lambda bodies run later, so a binding anywhere will do."""

    def __init__(self, tree: ast.Module, module: _Scope, scopes: dict[ast.AST, _Scope], star_import: bool) -> None:
        self.module = module
        self.scopes = scopes
        self.star_import = star_import
        self.postponed = _has_future_annotations(tree)
        self.scope = module
        self.immediate = True  # running while the module is imported
        self.conditional = 0  # inside if/try/loop/with: a ``del`` there may not run
        self.deferred: list[tuple[FunctionNode, _Scope]] = []
        self.dataclass_body = False
        self.found: list[Unbound] = []

    def run(self, tree: ast.Module) -> list[Unbound]:
        self.body(tree.body)
        self.immediate = False
        while self.deferred:
            node, scope = self.deferred.pop()
            self.scope = scope
            for child in [node.body] if isinstance(node, ast.Lambda) else node.body:
                self.visit(child)
        return self.found

    def body(self, statements: list[ast.stmt]) -> None:
        for stmt in statements:
            self.visit(stmt)

    # -- bindings in order (module and class bodies) --

    def bound(self, name: str) -> None:
        scope = self.scope
        if name in scope.declared_global:
            scope = self.module
        scope.bound_so_far.add(name)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.read(node.id, node.lineno)
        elif isinstance(node.ctx, ast.Store):
            self.bound(node.id)
        elif isinstance(node.ctx, ast.Del):
            self.read(node.id, node.lineno)
            if not self.conditional:
                scope = self.module if node.id in self.scope.declared_global else self.scope
                scope.bound_so_far.discard(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self.read(node.target.id, node.target.lineno)
        else:
            self.visit(node.target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        if self.scope.kind in ("module", "class"):
            if not self.postponed:
                self.visit(node.annotation)
            elif self.dataclass_body:
                head = _classvar_head(node.annotation)
                if head is not None:
                    self.read(head.id, head.lineno)
        if node.value is not None or not isinstance(node.target, ast.Name):
            self.visit(node.target)  # a bare ``x: int`` binds nothing

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        scope.bound_so_far.add(node.target.id)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bound(_import_binding(alias))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.bound(_import_binding(alias))

    def visit_Global(self, node: ast.Global) -> None:
        return None

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        self.conditional += 1
        self.body(_runtime_body(node))
        self.conditional -= 1

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.conditional += 1
        self.visit(node.target)
        self.body(node.body)
        self.body(node.orelse)
        self.conditional -= 1

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self.conditional += 1
        self.body(node.body)
        self.body(node.orelse)
        self.conditional -= 1

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
        self.conditional += 1
        self.body(node.body)
        self.conditional -= 1

    visit_AsyncWith = visit_With

    def visit_Try(self, node: ast.Try) -> None:
        self.conditional += 1
        self.body(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name:
                self.bound(handler.name)
            self.body(handler.body)
        self.body(node.orelse)
        self.body(node.finalbody)
        self.conditional -= 1

    def visit_TryStar(self, node: Any) -> None:  # ``except*`` (3.11): the fields of a Try
        self.visit_Try(node)

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)
        self.conditional += 1
        for case in node.cases:
            self.visit(case.pattern)
            if case.guard is not None:
                self.visit(case.guard)
            self.body(case.body)
        self.conditional -= 1

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self.bound(node.name)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bound(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for child in [*node.keys, *node.patterns]:
            self.visit(child)
        if node.rest:
            self.bound(node.rest)

    # -- nested scopes --

    def _function(self, node: FunctionNode) -> None:
        args = node.args
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(default)
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
            if not self.postponed:
                for annotation in _annotations(node):
                    self.visit(annotation)
            self.bound(node.name)
        self.deferred.append((node, self.scopes[node]))

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child)
        outer, outer_dataclass, outer_conditional = self.scope, self.dataclass_body, self.conditional
        self.scope, self.dataclass_body, self.conditional = self.scopes[node], _is_dataclass(node), 0
        self.scope.bound_so_far.update(_type_params(node))
        self.body(node.body)
        self.scope, self.dataclass_body, self.conditional = outer, outer_dataclass, outer_conditional
        self.bound(node.name)

    def _comprehension(self, node: ComprehensionNode) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        outer, self.scope = self.scope, self.scopes[node]
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for part in [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]:
            self.visit(part)
        self.scope = outer

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    # -- lookups --

    def read(self, name: str, line: int) -> None:
        if not self.is_bound(name):
            self.found.append(Unbound(self.scope.qualname or "<module>", name, line))

    def is_bound(self, name: str) -> bool:
        scope = self.scope
        if name in scope.declared_global:
            return self.global_bound(name)
        if scope.kind == "class":
            # A class body reads its own names in order, then skips to the enclosing function
            # or the module (Python's LOAD_NAME).
            if name in scope.bound_so_far or name in _CLASS_NAMES:
                return True
        elif scope.kind == "module":
            return self.global_bound(name)
        elif name in scope.bindings or name == "__class__":
            return True  # a local: flow inside functions is not followed
        enclosing = scope.parent
        while enclosing is not None and enclosing.kind != "module":
            if enclosing.kind != "class" and name in enclosing.bindings and name not in enclosing.declared_global:
                return True
            enclosing = enclosing.parent
        return self.global_bound(name)

    def global_bound(self, name: str) -> bool:
        if self.star_import or name in _BUILTINS:
            return True
        # Code that runs at import time sees what is bound so far; later code sees everything.
        if self.immediate and self.scope.kind != "function":
            return name in self.module.bound_so_far
        return name in self.module.bindings


def unbound_names(tree: ast.Module) -> list[Unbound]:
    """Every read of a name that is unbound when it runs, by scope: what ``NameError`` (or an
    unused ``ClassVar`` in a dataclass) would meet. Reads inside ``if TYPE_CHECKING:`` do not run."""
    module = _Scope("module", "<module>", None)
    bindings = _Bindings(module)
    for stmt in tree.body:
        bindings.visit(stmt)
    return _Uses(tree, module, bindings.scopes, bindings.star_import).run(tree)
