"""Code behind a parameter no caller gives: ``if trigger_reconnect:`` in a method every call of
which leaves ``trigger_reconnect`` at its default ``False``.

In an application (``unreachable.application``), a branch whose test holds only when a
parameter is set away from a false default (``if flag:``, ``if flag and other:``) never runs
when no call in the project gives that parameter: the parameter always holds its default. A
finding about a resource or a task (TRD2xx, TRD3xx) made in such a branch describes code that
never runs (pdiegmann/ha-petkit-ble, labelled false in ``benchmarks/labels/heads70_a2.tsv``: a
reconnection task started only ``if trigger_reconnect and ...``, every caller leaving it
``False``).

The branch counts as never run only when all of these hold, each a way it could still run:

- the test is the parameter itself, or an ``and`` of which it is one operand; the finding lies
  in the ``if``'s body (not its ``else``), in the function itself (not in a function nested in
  it, which may run later with the parameter set by a closure);
- the parameter has a default written as a false constant (``False``, ``None``, ``0``, ``""``),
  and the function never assigns it (no store, no ``del``, no ``global``/``nonlocal``);
- the function is a module-level function, or a method of a module-level class, with no
  decorator but ``staticmethod``/``classmethod``, no dunder, and the class has no decorator, no
  metaclass and a lineage of first-party classes only (a library base may call a method by its
  name, with any arguments);
- every mention of the function's name in the project (any file, tests too, other functions of
  the same name too) is the callee of a call, and there is one at least (a function the project
  never calls is called from outside it, by a framework that knows its name, with any
  argument): not a bound method handed on, not a string or a comment; and no such call gives the
  parameter: not by keyword, not by position (a call with at
  least as many positional arguments as reach it, counted for a bound call, which needs the
  fewest), and none unpacks ``*args`` or ``**kwargs``;
- the module is not a test module, and no module of the project composes a name for ``getattr``
  (a dispatcher may call the function with arguments of its own).

A ``mentions NAME`` scan is noted for the cache, as for ``unreachable``."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.unreachable import (
    application,
    branches_holding,
    called_by_name_only,
    composed_in_project,
    first_party_lineage,
    looked_up_by_name,
    word_count,
)
from tradelint.facts.uses import declares_outer, name_stores

__all__ = ["under_unpassed_default"]

def under_unpassed_default(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` lies in the body of an ``if`` that runs only when a parameter of its
    function is given, and no call in the project gives it (see the module's docstring)."""
    for function, branch in branches_holding(module, node):
        parameter = _tested_parameter(function, branch.test)
        if parameter is not None:
            memo = module.project.class_memo
            key = ("unpassed", function, parameter)
            if key not in memo:
                memo[key] = _never_given(module, function, parameter)
            if memo[key]:
                return True
    return False


def _tested_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, test: ast.expr) -> str | None:
    """The parameter with a false default that ``test`` needs set: ``flag`` or ``flag and ...``."""
    operands = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    for operand in operands:
        if isinstance(operand, ast.Name) and _false_default(function, operand.id) and not _assigned(function, operand.id):
            return operand.id
    return None


def _false_default(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    args = function.args
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return any(
        a.arg == name and isinstance(d, ast.Constant) and not d.value
        for a, d in pairs
    )


def _assigned(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Stored or deleted anywhere in ``function``, or declared ``global``/``nonlocal`` there."""
    return bool(name_stores(function, name)) or declares_outer(function, name)


def _never_given(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str) -> bool:
    name = function.name
    if not called_by_name_only(function):
        return False
    owner = module.parent(function)
    method = isinstance(owner, ast.ClassDef)
    if method:
        assert isinstance(owner, ast.ClassDef)
        if owner.decorator_list or owner.keywords or not isinstance(module.parent(owner), ast.Module):
            return False
        if not first_party_lineage(module, owner):
            return False
    elif not isinstance(owner, ast.Module):
        return False
    if in_tests(module) or not application(module) or looked_up_by_name(module):
        return False
    root = project_root(module)
    if root is None:
        return False
    bound = method and not any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
    if composed_in_project(module, root, name):
        return False
    reach = _positional_reach(function, parameter, bound)
    return _calls_never_give(module, root, name, parameter, reach)


def _positional_reach(function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str, bound: bool) -> int | None:
    """How many positional arguments a call needs to give ``parameter`` (None: keyword-only)."""
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if parameter not in positional:
        return None
    index = positional.index(parameter)
    return index if bound else index + 1


def _calls_never_give(module: ModuleInfo, root: Path, name: str, parameter: str, reach: int | None) -> bool:
    """Whether every mention of ``name`` in the project is a call's callee, none giving the
    parameter (by keyword, by ``reach`` positional arguments, or unpacked), and there is one at
    least: a function the project never calls is called from outside it (a framework calls
    ``async_setup_platform(hass, config, add, discovery_info)`` by its name), with any argument."""
    module.project.note_scan(f"mentions {name}", root)
    called = False
    for path, data in files_naming(module.project, root, name):
        other = module if path == module.path else module.project.module_at(path)
        if other is None:
            return False
        calls = [
            c for c in other.index.calls
            if isinstance(c.func, ast.Name) and c.func.id == name or isinstance(c.func, ast.Attribute) and c.func.attr == name
        ]
        if word_count(data, name) != len(calls):
            return False  # (named otherwise too: handed on, in a string, in a comment)
        for call in calls:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg in (None, parameter) for k in call.keywords):
                return False
            if reach is not None and len(call.args) >= reach:
                return False
            called = True
    return called
