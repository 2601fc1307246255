"""Receiver types, inferred without mypy, for owner-qualified renames (``Vat.spot_map``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from flake8_tradelint.analysis.dataclass_model import annotation_head, resolve_definition
from flake8_tradelint.analysis.uses import self_name
from flake8_tradelint.config import Rename
from flake8_tradelint.context import FUNCTION_NODES, ModuleInfo, parse_expression

if TYPE_CHECKING:
    from flake8_tradelint.engine import FileContext

UNKNOWN = "?"
STRING_ACCESSORS = {"getattr", "hasattr", "setattr", "delattr"}
OPTIONAL = {"typing.Optional", "typing_extensions.Optional"}
UNION = {"typing.Union", "typing_extensions.Union"}


@dataclass(frozen=True)
class RenameSite:
    node: ast.AST
    rename: Rename
    receiver: str  # the receiver's source text
    string_reference: bool


def _strip_optional(module: ModuleInfo, annotation: ast.expr) -> ast.expr | None:
    """``Optional[X]``, ``X | None``, ``Union[X, None]``, ``"X"`` -> ``X``; other unions -> None."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        members = [m for m in (annotation.left, annotation.right) if not _is_none(m)]
        return _strip_optional(module, members[0]) if len(members) == 1 else None
    if isinstance(annotation, ast.Subscript):
        head = module.imports.qualify(annotation.value)
        if head in OPTIONAL:
            return _strip_optional(module, annotation.slice)
        if head in UNION and isinstance(annotation.slice, ast.Tuple):
            members = [m for m in annotation.slice.elts if not _is_none(m)]
            return _strip_optional(module, members[0]) if len(members) == 1 else None
        return None
    return annotation


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class RenameAnalysis:
    def __init__(self, ctx: FileContext) -> None:
        self.module = ctx.module
        self.renames = ctx.config.renames
        self.by_old: dict[str, list[Rename]] = {}
        for rename in self.renames:
            self.by_old.setdefault(rename.old, []).append(rename)

    # -- types ---------------------------------------------------------------------------------

    def annotation_type(self, module: ModuleInfo, annotation: ast.expr | None) -> str:
        if annotation is None:
            return UNKNOWN
        inner = _strip_optional(module, annotation)
        if inner is None or annotation_head(module, inner) is not inner:
            return UNKNOWN
        return module.qualify(inner) or UNKNOWN

    def call_type(self, module: ModuleInfo, call: ast.Call) -> str:
        """A constructor's class, or a first-party function's annotated return type."""
        found = resolve_definition(module, call.func)
        if found is not None:
            defining, stmt = found
            if isinstance(stmt, ast.ClassDef):
                return f"{defining.module_name}.{stmt.name}"
            if isinstance(stmt, FUNCTION_NODES):
                return self.annotation_type(defining, stmt.returns)
            return UNKNOWN
        qualified = module.qualify(call.func)
        if qualified is not None and any(r.owner == qualified for r in self.renames):
            return qualified
        return UNKNOWN

    def expr_type(self, expr: ast.expr, env: dict[str, set[str]], cls: ast.ClassDef | None, receiver: str | None) -> str:
        if isinstance(expr, ast.Await):
            expr = expr.value
        if isinstance(expr, ast.Call):
            return self.call_type(self.module, expr)
        if isinstance(expr, ast.Name):
            types = env.get(expr.id)
            return next(iter(types)) if types and len(types) == 1 else UNKNOWN
        if (
            isinstance(expr, ast.Attribute)
            and cls is not None
            and isinstance(expr.value, ast.Name)
            and expr.value.id == receiver
        ):
            types = self.class_attribute_types(cls).get(expr.attr)
            return next(iter(types)) if types and len(types) == 1 else UNKNOWN
        return UNKNOWN

    def function_env(self, func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> dict[str, set[str]]:
        """Local name -> the set of types assigned to it (``?`` for any unknown assignment)."""
        if func is None:
            return self.module_env
        cached = self._envs.get(func)
        if cached is not None:
            return cached
        env: dict[str, set[str]] = {}
        self._envs[func] = env
        args = func.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            env.setdefault(arg.arg, set()).add(self.annotation_type(self.module, arg.annotation))
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                env.setdefault(extra.arg, set()).add(UNKNOWN)
        cls = self.module.enclosing_class(func)
        receiver = self_name(func) if cls is not None else None
        if receiver is not None:
            env[receiver] = {UNKNOWN}
        self._collect_assignments(func, env, cls, receiver)
        return env

    @cached_property
    def _envs(self) -> dict[ast.AST, dict[str, set[str]]]:
        return {}

    @cached_property
    def module_env(self) -> dict[str, set[str]]:
        env: dict[str, set[str]] = {}
        self._collect_assignments(self.module.tree, env, None, None)
        return env

    def _collect_assignments(
        self, scope: ast.AST, env: dict[str, set[str]], cls: ast.ClassDef | None, receiver: str | None
    ) -> None:
        for node in _scope_nodes(scope):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                env.setdefault(node.target.id, set()).add(self.annotation_type(self.module, node.annotation))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        env.setdefault(target.id, set()).add(self.expr_type(node.value, env, cls, receiver))
                    elif isinstance(target, (ast.Tuple, ast.List)):
                        for elt in ast.walk(target):
                            if isinstance(elt, ast.Name) and isinstance(elt.ctx, ast.Store):
                                env.setdefault(elt.id, set()).add(UNKNOWN)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.NamedExpr, ast.AugAssign)):
                targets = (
                    [item.optional_vars for item in node.items if item.optional_vars is not None]
                    if isinstance(node, (ast.With, ast.AsyncWith))
                    else [node.target]
                )
                for target in targets:
                    for elt in ast.walk(target):
                        if isinstance(elt, ast.Name) and isinstance(elt.ctx, ast.Store):
                            env.setdefault(elt.id, set()).add(UNKNOWN)

    def class_attribute_types(self, cls: ast.ClassDef) -> dict[str, set[str]]:
        cached = self._class_types.get(cls)
        if cached is not None:
            return cached
        types: dict[str, set[str]] = {}
        self._class_types[cls] = types
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                types.setdefault(stmt.target.id, set()).add(self.annotation_type(self.module, stmt.annotation))
        for method in cls.body:
            if not isinstance(method, FUNCTION_NODES):
                continue
            receiver = self_name(method)
            env = self.function_env(method)
            for node in _scope_nodes(method):
                target: ast.expr | None = None
                kind = UNKNOWN
                if isinstance(node, ast.AnnAssign):
                    target, kind = node.target, self.annotation_type(self.module, node.annotation)
                elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    kind = self.expr_type(node.value, env, None, None)
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == receiver
                ):
                    types.setdefault(target.attr, set()).add(kind)
        return types

    @cached_property
    def _class_types(self) -> dict[ast.ClassDef, dict[str, set[str]]]:
        return {}

    def receiver_type(self, receiver: ast.expr, at: ast.AST) -> str:
        func = self.module.enclosing_function(at)
        cls = self.module.enclosing_class(at)
        env = self.function_env(func)
        if isinstance(receiver, ast.Name) and func is not None and receiver.id not in env:
            env = self.module_env
        return self.expr_type(receiver, env, cls, self_name(func) if func is not None and cls is not None else None)

    # -- ownership -----------------------------------------------------------------------------

    def defines(self, module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
        """Whether ``cls`` itself defines ``name``: class attribute, method, or ``self.name = ...``."""
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
                return True
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        return any(
            isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.ctx, ast.Store)
            for node in ast.walk(cls)
        )

    def is_owner(self, type_name: str, rename: Rename) -> bool:
        """``type_name`` is the owner, or a first-party subclass that does not redefine the old name."""
        if type_name == UNKNOWN:
            return False
        if type_name == rename.owner:
            return True
        return self._inherits(type_name, rename, depth=0)

    def _find_class(self, type_name: str) -> tuple[ModuleInfo, ast.ClassDef] | None:
        """The first-party class a qualified type name refers to (this module's own included)."""
        found = self.module.project.lookup(type_name, self.module.roots) if "." in type_name else None
        if found is None and type_name.rpartition(".")[0] == self.module.module_name:
            stmt = self.module.top_level.get(type_name.rpartition(".")[2])
            found = (self.module, stmt) if stmt is not None else None
        if found is None or not isinstance(found[1], ast.ClassDef):
            return None
        return found[0], found[1]

    def _inherits(self, type_name: str, rename: Rename, depth: int) -> bool:
        if depth > 10:
            return False
        found = self._find_class(type_name)
        if found is None:
            return False
        module, cls = found
        if self.defines(module, cls, rename.old):
            return False
        for base in cls.bases:
            qualified = module.qualify(base)
            if qualified == rename.owner or (qualified and self._inherits(qualified, rename, depth + 1)):
                return True
        return False

    def defined_by_known_class(self, type_name: str, old: str) -> bool:
        found = self._find_class(type_name)
        return found is not None and self.defines(found[0], found[1], old)

    def matches(self, rename: Rename, receiver: ast.expr, at: ast.AST) -> bool:
        if rename.owner is not None:
            if isinstance(receiver, ast.Name) or isinstance(receiver, (ast.Attribute, ast.Call)):
                return self.is_owner(self.receiver_type(receiver, at), rename)
            return False
        # Unqualified: any receiver, but not a class that defines the name itself.
        cls = self.module.enclosing_class(at)
        func = self.module.enclosing_function(at)
        if (
            cls is not None
            and func is not None
            and isinstance(receiver, ast.Name)
            and receiver.id == self_name(func)
            and self.defines(self.module, cls, rename.old)
        ):
            return False
        type_name = self.receiver_type(receiver, at)
        return not (type_name != UNKNOWN and self.defined_by_known_class(type_name, rename.old))

    # -- sites ---------------------------------------------------------------------------------

    def sites(self) -> Iterator[RenameSite]:
        if not self.by_old:
            return
        module = self.module
        for node in module.index.attributes:
            for rename in self.by_old.get(node.attr, ()):
                if self.matches(rename, node.value, node):
                    yield RenameSite(node, rename, ast.unparse(node.value), string_reference=False)
                    break
        for call in module.index.calls:
            site = self._string_site(call)
            if site is not None:
                yield site

    def _string_site(self, call: ast.Call) -> RenameSite | None:
        if len(call.args) < 2:
            return None
        name = call.args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value in self.by_old):
            return None
        func = call.func
        is_accessor = isinstance(func, ast.Name) and func.id in STRING_ACCESSORS
        is_patch = (
            isinstance(func, ast.Attribute)
            and func.attr == "object"
            and ast.unparse(func.value).split(".")[-1] == "patch"
        )
        if not (is_accessor or is_patch):
            return None
        target = call.args[0]
        for rename in self.by_old[name.value]:
            if is_patch:
                qualified = self.module.qualify(target)
                ok = qualified is not None and (
                    rename.owner is None or qualified == rename.owner or self._inherits(qualified, rename, 0)
                )
            else:
                ok = self.matches(rename, target, call)
            if ok:
                return RenameSite(name, rename, ast.unparse(target), string_reference=True)
        return None


def _scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes in a scope's own body: nested functions and classes have scopes of their own."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
