"""Code behind a test that a plain function's result is awaitable: ``result =
adapter.cancel_ws_tasks(); if inspect.isawaitable(result): loop.create_task(result)``, in an
application every definition of ``cancel_ws_tasks`` of which is a plain ``def`` that returns no
value.

Such a branch is written for a caller that may give a coroutine function (a test's ``AsyncMock``,
a callback of either kind). In an application (``unreachable.application``), when the function
called is found by its name in the project, and every definition of that name outside the tests
is a plain ``def`` that returns nothing (no ``return`` with a value but ``None``, no ``yield``),
the result is ``None`` and the test is false: a task made in that branch describes code that
never runs (apps72's arbitrage scanner, labelled false in ``benchmarks/labels/apps72.tsv``: its
``stop()`` made a task of each adapter's ``cancel_ws_tasks()`` only for the tests' ``AsyncMock``
adapters, the one definition a synchronous method).

The branch counts as never run only when all of these hold, each a way it could still run:

- the test is ``inspect.isawaitable(r)``, ``inspect.iscoroutine(r)`` or ``asyncio.iscoroutine(r)``
  of a local ``r``, or an ``and`` of which it is one operand; the finding lies in the ``if``'s
  body, in the function itself (not in a function nested in it);
- ``r`` is bound once in the function (no other store, no ``global``/``nonlocal``), by a call
  (not awaited) of a name or of an attribute (``adapter.cancel_ws_tasks()``), whose name is not
  a parameter or a local of the function (a callback handed in may be anything);
- the project defines that name at least once outside its tests, every such definition is an
  undecorated plain ``def`` (not ``async``, not a property, no ``yield``) whose ``return``
  statements give nothing or ``None``; no module of the project composes a name for
  ``getattr``, and the module asking does not look a name up at run time;
- the module is an application's, and not a test module.

A ``mentions NAME`` scan is noted for the cache, as for ``unreachable``."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import own_nodes
from tradelint.facts.unreachable import application, branches_holding, composed_in_project, looked_up_by_name
from tradelint.facts.uses import declares_outer, name_stores

__all__ = ["under_false_awaitable_test"]

_AWAITABLE_TESTS = frozenset({"inspect.isawaitable", "inspect.iscoroutine", "asyncio.iscoroutine"})


def under_false_awaitable_test(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` lies in the body of an ``if`` testing that the result of a plain function
    of the application is awaitable, which it never is (see the module's docstring)."""
    for function, branch in branches_holding(module, node):
        callee = _tested_result(module, function, branch.test)
        if callee is not None:
            memo = module.project.class_memo
            key = ("plain-results", module.path, callee)
            if key not in memo:
                memo[key] = _returns_nothing_everywhere(module, callee)
            if memo[key]:
                return True
    return False


def _tested_result(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, test: ast.expr) -> str | None:
    """The name of the function whose result ``test`` asks to be awaitable: ``inspect.isawaitable(r)``
    (or an ``and`` with it) of a local ``r`` bound once, by a call of that name."""
    operands = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    for operand in operands:
        if not (isinstance(operand, ast.Call) and len(operand.args) == 1 and not operand.keywords
                and isinstance(result := operand.args[0], ast.Name)):
            continue
        if module.imports.qualify(operand.func) not in _AWAITABLE_TESTS:
            continue
        stores = name_stores(function, result.id)
        if len(stores) != 1 or declares_outer(function, result.id):
            continue
        binding = module.parent(stores[0])
        if not (isinstance(binding, ast.Assign) and len(binding.targets) == 1 and binding.targets[0] is stores[0]
                and isinstance(call := binding.value, ast.Call)):
            continue
        callee = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(call.func, ast.Name) else None
        if callee is None or callee in _locals(function):
            continue  # (a callback handed in, or bound here: it may be either kind)
        if isinstance(call.func, ast.Attribute) and not isinstance(call.func.value, (ast.Name, ast.Attribute)):
            continue  # (``make().run()``: what is called is not read)
        return callee
    return None


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, *filter(None, (args.vararg, args.kwarg)))}


def _locals(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names the function binds: its parameters and every name it stores."""
    stored = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return _parameters(function) | stored


def _returns_nothing_everywhere(module: ModuleInfo, name: str) -> bool:
    """Whether the application ``module`` belongs to defines ``name`` outside its tests, and every
    such definition is an undecorated plain ``def`` that returns nothing."""
    if in_tests(module) or not application(module) or looked_up_by_name(module):
        return False
    root = project_root(module)
    if root is None or composed_in_project(module, root, name):
        return False
    module.project.note_scan(f"mentions {name}", root)
    found = False
    for path, _ in files_naming(module.project, root, name):
        other = module if path == module.path else module.project.module_at(path)
        if other is None:
            return False  # (a file that cannot be read may define it otherwise)
        if in_tests(other):
            continue
        for node in ast.walk(other.tree):
            if isinstance(node, ast.AsyncFunctionDef) and node.name == name:
                return False
            if isinstance(node, ast.FunctionDef) and node.name == name:
                if node.decorator_list or not _returns_nothing(node):
                    return False
                found = True
    return found


def _returns_nothing(function: ast.FunctionDef) -> bool:
    """No ``return`` of a value but ``None`` and no ``yield`` in the function's own frame."""
    return not any(
        isinstance(node, (ast.Yield, ast.YieldFrom)) or (isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None))
        for node in own_nodes(function))
