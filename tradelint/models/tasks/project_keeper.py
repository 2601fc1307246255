"""The project's own task keeper, judged from its definition, not its name: a first-party
top-level function that holds the task it is given in a module-level set and discards it there
when it is done (asyncio's documented cure for its weak references)::

    _running: set[asyncio.Task[Any]] = set()

    def keep(task: T) -> T:
        _running.add(task)
        task.add_done_callback(_running.discard)
        return task

A TRD301/TRD302 fix uses it, imported, instead of writing a keeper into the module. Only where
the import is proven harmless: the keeper's module imports nothing first-party (so importing it
can close no import cycle) and is not test or example code. Whether its result may replace the
task depends on its annotations (:attr:`Keeper.returns_task`, :attr:`Keeper.accepts`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root

Accepts = Literal["any", "future", "task"]

NOT_APPLICATION = {"test", "tests", "testing", "examples", "example", "docs", "scripts", "benchmarks"}


@dataclass(frozen=True)
class Keeper:
    module: str  # dotted module name (``app.tasks``)
    name: str  # the function (``keep``)
    # Returns the task it keeps, typed as what it was given (a TypeVar, or no annotations): its
    # call can stand wherever the task's value is used; otherwise only where it is discarded.
    returns_task: bool
    # What its parameter's annotation accepts: anything (a TypeVar, ``Any``, none), any future,
    # or only a ``Task`` (``asyncio.ensure_future`` and project wrappers are not known to give one).
    accepts: Accepts

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


def judge_keeper(module: ModuleInfo, func: ast.stmt) -> Keeper | None:
    """``func`` as a keeper, or None: one positional parameter ``p``; a body of
    ``S.add(p)`` and ``p.add_done_callback(S.discard)`` for a module-level ``S = set()``, other
    calls that do not touch ``p`` or ``S`` (a log line), and at most a final ``return p``."""
    if not isinstance(func, ast.FunctionDef) or func.decorator_list or module.module_name is None:
        return None
    args = func.args
    if args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg or len(args.args) != 1 or args.defaults:
        return None
    param = args.args[0].arg
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    returns = bool(body) and _is_name_return(body[-1], param)
    if returns:
        body = body[:-1]
    sets = _module_sets(module.tree)
    added = {s for stmt in body if (s := _set_call(stmt, "add", param)) is not None}
    discarded = {s for stmt in body if (s := _discard_callback(stmt, param)) is not None}
    held = added & discarded & sets
    if not held:
        return None
    for stmt in body:
        if _set_call(stmt, "add", param) in held or _discard_callback(stmt, param) in held:
            continue
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            return None
        if any(isinstance(n, ast.Name) and n.id in {param, *held} for n in ast.walk(stmt)):
            return None
    accepts = _accepts(module.tree, args.args[0].annotation, func.returns)
    if accepts is None:
        return None
    typed_as_given = _same_typevar(module.tree, args.args[0].annotation, func.returns) or (
        args.args[0].annotation is None and func.returns is None
    )
    return Keeper(module.module_name, func.name, returns and typed_as_given, accepts)


def _is_name_return(stmt: ast.stmt, name: str) -> bool:
    return isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name) and stmt.value.id == name


def _module_sets(tree: ast.Module) -> set[str]:
    """Top-level names bound to ``set()``; found once per tree (each function asks), not to be
    changed."""
    found: set[str] | None = tree.__dict__.get(_MODULE_SETS)
    if found is None:
        found = _find_module_sets(tree)
        setattr(tree, _MODULE_SETS, found)
    return found


_MODULE_SETS = "_tradelint_module_sets"


def _find_module_sets(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "set"
            and not value.args
            and not value.keywords
        ):
            found.add(target.id)
    return found


def _set_call(stmt: ast.stmt, method: str, param: str) -> str | None:
    """``S.add(param)``: ``S``."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == method
        and isinstance(call.func.value, ast.Name)
        and len(call.args) == 1
        and not call.keywords
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id == param
    ):
        return call.func.value.id
    return None


def _discard_callback(stmt: ast.stmt, param: str) -> str | None:
    """``param.add_done_callback(S.discard)``: ``S``."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if not (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "add_done_callback"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == param
        and len(call.args) == 1
        and not call.keywords
    ):
        return None
    callback = call.args[0]
    if isinstance(callback, ast.Attribute) and callback.attr == "discard" and isinstance(callback.value, ast.Name):
        return callback.value.id
    return None


def _typevars(tree: ast.Module) -> set[str]:
    return {
        stmt.targets[0].id
        for stmt in tree.body
        if isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Call)
        and (ast.unparse(stmt.value.func).rpartition(".")[2] == "TypeVar")
    }


def _same_typevar(tree: ast.Module, param: ast.expr | None, returns: ast.expr | None) -> bool:
    return (
        isinstance(param, ast.Name)
        and isinstance(returns, ast.Name)
        and param.id == returns.id
        and param.id in _typevars(tree)
    )


def _accepts(tree: ast.Module, param: ast.expr | None, returns: ast.expr | None) -> Accepts | None:
    if param is None or _same_typevar(tree, param, returns):
        return "any"
    head = ast.unparse(param.value if isinstance(param, ast.Subscript) else param).strip("'\"")
    last = head.rpartition(".")[2]
    if last == "Any":
        return "any"
    if last == "Future":
        return "future"
    if last == "Task":
        return "task"
    return None


def _imports_first_party(module: ModuleInfo) -> bool:
    """Whether the module imports a first-party module (or anything relative): importing it from
    elsewhere in the project could then close an import cycle."""
    for node, _ in module.index.imports:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return True
            names = [node.module or ""]
        else:
            names = [alias.name for alias in node.names]
        for name in names:
            if module.project.find_path(name.split(".")[0], module.roots) is not None:
                return True
    return False


def _is_application(name: str) -> bool:
    parts = name.split(".")
    return not any(p in NOT_APPLICATION or p.startswith("test_") or p.startswith("_") for p in parts[:-1]) and not (
        parts[-1].startswith("test_") or parts[-1] in NOT_APPLICATION
    )


def own_keeper(module: ModuleInfo) -> Keeper | None:
    """A keeper the module itself defines (by its definition, any name), the first one."""
    memo = module.project.class_memo
    key = ("own_keeper", module.tree)
    if key not in memo:
        judged = (judge_keeper(module, stmt) for stmt in module.tree.body)
        memo[key] = next((found for found in judged if found is not None), None)
    return cast("Keeper | None", memo[key])


def project_keeper(module: ModuleInfo) -> Keeper | None:
    """The project's keeper: the module's own, else the one of another first-party module that
    imports nothing first-party, reachable by the same dotted name from ``module``; the
    shortest dotted name wins, then the first in order. Found once per project: only files whose
    text names ``add_done_callback`` are parsed."""
    own = own_keeper(module)
    if own is not None:
        return own
    root = project_root(module)
    if root is None:
        return None
    module.project.note_scan("mentions add_done_callback", root)
    memo = module.project.scan_memo("add_done_callback")
    key = ("keepers", root)
    if key not in memo:
        memo[key] = _scan(module, root)
    found: list[tuple[Keeper, Path]] = memo[key]
    for keeper, path in found:
        if path == module.path:
            continue
        if module.project.find_path(keeper.module, module.roots) == path:
            return keeper
    return None


def _scan(module: ModuleInfo, root: Path) -> list[tuple[Keeper, Path]]:
    project = module.project
    found: list[tuple[Keeper, Path]] = []
    for path, _ in files_naming(project, root, "add_done_callback"):
        other = project.module_at(path)
        if other is None or other.module_name is None or not _is_application(other.module_name):
            continue
        keeper = own_keeper(other)
        if keeper is None or _imports_first_party(other):
            continue
        found.append((keeper, other.path))
    found.sort(key=lambda item: (item[0].qualified.count("."), item[0].qualified))
    return found
