"""Helpers for the fix tests: run the fixer over a tree, and normalise away what fixes change."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

from tradelint.core.config import clear_cache, config_for
from tradelint.runner.fixer import FixOutcome, compute_fixes
from tradelint.core.rename_packs import available_packs, load_pack
from tests.conftest import FIXTURES

FIXED_SUFFIX = ".fixed"


def fixture_files(root: Path = FIXTURES) -> list[Path]:
    return sorted(root.rglob("*.py"))


def fix_tree(root: Path, unsafe: bool = True) -> FixOutcome:
    clear_cache()
    files = {p: config_for(p) for p in fixture_files(root)}
    return compute_fixes(files, unsafe)


def copy_fixtures(dest: Path) -> Path:
    shutil.copytree(FIXTURES, dest)
    return dest


# Renames configured in fixtures/pyproject.toml, mapped back for comparison, and the rename pack
# entries that fixtures/renames/ enables, mapped forward (old -> new) on both sides alike.
RENAMES = {"spot_markets": "spot_map", "last_price": "old_price", "usd_balance": "balance_usd"}
RENAMES.update({r.old: r.new for name in available_packs() for r in load_pack(name).renames})
ADDED_IMPORTS = {"ClassVar", "typing", "asyncio", "Any", "TypeVar"}
KEEPER_NAMES = ("_keep_task", "_end_tasks", "_background_tasks", "_TaskT")


class Normalize(ast.NodeTransformer):
    """Removes, on both sides alike, exactly the shapes fixes produce; anything else still differs."""

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        self.generic_visit(node)
        # Every layer: a fix may wrap ``CV[int]`` (an alias the fixer did not recognise, e.g. its
        # import was deleted) as ``ClassVar[CV[int]]``; both sides then come down to ``int``.
        while True:
            annotation = node.annotation
            head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
            name = head.attr if isinstance(head, ast.Attribute) else getattr(head, "id", "")
            if name not in ("ClassVar", "CV", "Final"):
                return node
            node.annotation = annotation.slice if isinstance(annotation, ast.Subscript) else ast.Name("_", ast.Load())

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.generic_visit(node)
        # TRD102 in a dataclass subclass annotates the override: ``K = v`` -> ``K: T = v``.
        node.body = [
            ast.Assign([s.target], s.value) if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            and s.value is not None else s
            for s in node.body
        ]
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name.startswith("_keep_task") and len(node.args) == 1:
            return node.args[0]
        # The class's own task set (issue 29): ``self._tasks.add(create_task(...))``.
        if name in ("add", "append") and len(node.args) == 1 and isinstance(node.args[0], ast.Call):
            inner = node.args[0].func
            if isinstance(inner, ast.Attribute) and inner.attr in ("create_task", "ensure_future"):
                return node.args[0]
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        node.attr = RENAMES.get(node.attr, node.attr)
        return node

    def visit_alias(self, node: ast.alias) -> ast.AST:
        # ``from numpy import nan as NaN`` is the fix of ``from numpy import NaN``.
        node.name = RENAMES.get(node.name, node.name)
        if node.asname is not None and RENAMES.get(node.asname) == node.name:
            node.asname = None
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and node.value in RENAMES:
            node.value = RENAMES[node.value]
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        # TRD205's fix: ``self._session.close()`` awaited.
        self.generic_visit(node)
        value = node.value
        if isinstance(value, ast.Await) and isinstance(value.value, ast.Call):
            func = value.value.func
            if isinstance(func, ast.Attribute) and func.attr in ("close", "aclose"):
                node.value = value.value
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Await) and isinstance(node.value.value, ast.Call):
            node.value = node.value.value
        return node

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for index, stmt in enumerate(body):
            if _is_guard_binding(stmt, body[index + 1] if index + 1 < len(body) else None):
                continue  # ``x = getattr(self, "x", None)`` that the guard after it tests
            if isinstance(stmt, ast.AsyncWith) and len(stmt.items) == 1 and isinstance(stmt.items[0].optional_vars, ast.Name):
                item = stmt.items[0]
                assert isinstance(item.optional_vars, ast.Name)
                target = ast.Name(item.optional_vars.id, ast.Store())
                value = item.context_expr.value if isinstance(item.context_expr, ast.Await) else item.context_expr
                out.append(self.visit(ast.Assign([target], value)))
                out.extend(self._body(stmt.body))
                continue
            if _is_close_statement(stmt) or _is_shutdown_guard(stmt) or _is_placeholder(stmt):
                continue
            if _is_added_import(stmt) or _is_keep_task_helper(stmt):
                continue
            out.append(self.visit(stmt))
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field_name in ("body", "orelse", "finalbody"):
            body = getattr(node, field_name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                setattr(node, field_name, self._body(body))
        for field_name, value in ast.iter_fields(node):
            if field_name in ("body", "orelse", "finalbody") and isinstance(value, list):
                continue
            if isinstance(value, list):
                setattr(node, field_name, [self.visit(v) if isinstance(v, ast.AST) else v for v in value])
            elif isinstance(value, ast.AST):
                setattr(node, field_name, self.visit(value))
        return node


def _is_close_statement(stmt: ast.stmt) -> bool:
    """``await x.close()`` a fix adds, and ``x.close()`` without await that TRD205's fix awaits."""
    if not isinstance(stmt, ast.Expr):
        return False
    call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("close", "aclose")
        and isinstance(call.func.value, ast.Name)
    )


def _is_shutdown_guard(stmt: ast.stmt) -> bool:
    text = ast.unparse(stmt)
    # ``if self._task is not None:`` or, before a keyed store, ``if key in self._tasks:``.
    first = text.splitlines()[0]
    return isinstance(stmt, ast.If) and (" is not None" in first or " in self." in first) and (
        ".cancel()" in text or ".close()" in text or ".aclose()" in text
        # A first-party resource type's own release method (``stop_monitoring()``), called on
        # ``self.feed`` or on the local a ``getattr`` guard binds.
        or re.search(r"await \w+(\.\w+)?\.\w+\(\)$", text) is not None
    ) and len(stmt.body) <= 2 and not stmt.orelse


def _is_guard_binding(stmt: ast.stmt, following: ast.stmt | None) -> bool:
    """``x = getattr(self, "x", None)`` on a line of its own, then the shutdown guard testing
    ``x`` (a guard too long for a walrus, or a project without ``:=``)."""
    return (
        isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(target := stmt.targets[0], ast.Name)
        and isinstance(call := stmt.value, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "getattr"
        and len(call.args) == 3 and isinstance(following, ast.If) and _is_shutdown_guard(following)
        and ast.unparse(following.test).startswith(f"{target.id} is not None")
    )


def _is_placeholder(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Pass) or (
        isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis
    )


def _is_added_import(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "typing":
        stmt.names = [a for a in stmt.names if a.name not in ADDED_IMPORTS]
        return not stmt.names
    if isinstance(stmt, ast.Import):
        return all(a.name in ADDED_IMPORTS for a in stmt.names)
    return False


def _is_keep_task_helper(stmt: ast.stmt) -> bool:
    """The keeper, its set and TypeVar, the methods a class gets and the call that ends them."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return stmt.name.startswith(KEEPER_NAMES)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return all(isinstance(t, ast.Name) and t.id.startswith(KEEPER_NAMES) for t in targets)
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and " is not None" in ast.unparse(stmt.test):
        return _is_keep_task_helper(stmt.body[0])  # ``if getattr(self, "_x", None) is not None: await ...``
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Await):
        call = stmt.value.value
        return (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr.startswith("_end_tasks")
        )
    return False


def normalized_dump(source: str) -> str:
    tree = Normalize().visit(ast.parse(source))
    return ast.dump(tree)
