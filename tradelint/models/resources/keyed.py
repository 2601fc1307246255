"""A resource an object keeps under a key of itself (issue 28, session 15): ``self["http_session"]
= ClientSession()`` in a method of a mapping-like class (an ``aiohttp.web.Application``
subclass, a ``dict`` subclass). The instance holds it as it would an attribute, and some code must
close that place: a method of the class or any file of the project (``app["http_session"]
.close()`` in an ``on_cleanup`` handler), awaited. A close never awaited (``self["s"].close()``
as a statement) closes nothing (sir-bot-a-lot's ``stop()``, registered ``on_shutdown``).

Only a key written as a string constant is followed; the place is searched project-wide once per
key and run (the same ``mentions`` scan as a startup handler's places)."""

from __future__ import annotations

import ast
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming
from tradelint.facts.end_references import search_root
from tradelint.facts.uses import self_name
from tradelint.models.resources.resource_types import Problem, ResourceSpec
from tradelint.facts.app_startup import CLOSES


def key_on_self(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, expr: ast.expr) -> str | None:
    """``self["key"] = <expr>`` in a method: the key; None for anything else."""
    stmt = module.parent(expr)
    if not (isinstance(stmt, ast.Assign) and stmt.value is expr and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == self_name(function)
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
        and isinstance(module.parent(function), ast.ClassDef)
    ):
        return None
    return target.slice.value


def keyed_loads(cls: ast.ClassDef, key: str) -> list[ast.Subscript]:
    """Every ``self["key"]`` read in a method of ``cls`` (``self`` being the method's first
    parameter)."""
    found: list[ast.Subscript] = []
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.args.args:
            continue
        receiver = method.args.args[0].arg
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Load)
                and isinstance(node.value, ast.Name)
                and node.value.id == receiver
                and isinstance(node.slice, ast.Constant)
                and node.slice.value == key
            ):
                found.append(node)
    return found


def judge_keyed(module: ModuleInfo, key: str, spec: ResourceSpec) -> Problem | None:
    """``key_close_not_awaited`` when every close of ``<...>["key"]`` in the project is a
    statement that drops the coroutine of an async close; ``key_never_closed`` when there is
    none; None when one is awaited, returned or handed on."""
    awaited, dropped = _closes_of(module, key, spec.close)
    if awaited:
        return None
    if dropped:
        return "key_close_not_awaited" if spec.coroutine_close or spec.awaited else None
    return "key_never_closed"


def _closes_of(module: ModuleInfo, key: str, close: str) -> tuple[bool, bool]:
    """Whether some file closes ``<...>["key"]`` (any use of the close but a dropped call), and
    whether one drops the call (``x["key"].close()`` as a statement)."""
    root = search_root(module)
    module.project.note_scan(f"mentions {key}", root)
    memo = cast("dict[object, tuple[bool, bool]]", module.project.scan_memo(key))
    memo_key = ("keyed-closes", root, key, close)
    if memo_key in memo:
        return memo[memo_key]
    closes = CLOSES | {close}
    awaited = dropped = False
    for path, data in files_naming(module.project, root, key):
        if not any(f".{c}".encode() in data for c in closes):
            continue
        other = module.project.module_at(path)
        if other is None:
            continue
        for node in other.index.attributes:
            value = node.value
            if not (
                node.attr in closes
                and isinstance(value, ast.Subscript)
                and isinstance(value.slice, ast.Constant)
                and value.slice.value == key
            ):
                continue
            call = other.parent(node)
            if isinstance(call, ast.Call) and call.func is node and isinstance(other.parent(call), ast.Expr):
                dropped = True
            else:
                awaited = True
        if awaited:
            break
    memo[memo_key] = (awaited, dropped)
    return awaited, dropped
