"""Calls that give back the argument they are given: a first-party function (or a method of the
caller's own class) whose every path returns one of its parameters as it came (omnigent's
``_wrap_client_for_reasoning_models(client)``, which patches ``client.chat`` and returns
``client``). What such a call gives is the very object passed there, so whoever made that object
still owns it where the call's result goes: ``self._client = wrap(raw)`` keeps ``raw`` on
``self`` as ``self._client = raw`` does, as ``typing.cast`` gives back its value
(:func:`.context.cast_of`). The callee is no new owner: it hands the object back."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.owned_elements import added_to
from tradelint.facts.syntax import class_method, own_nodes, own_returns
from tradelint.facts.uses import classify, name_loads, self_name

_GIVEN_BACK = "_tradelint_given_back"


def given_back(module: ModuleInfo, value: ast.expr) -> ast.expr | None:
    """The expression whose value is ``value`` given back: the call ``value`` is passed to (or
    the ``await`` of it, for a coroutine function) when that call returns the argument on every
    path (:func:`returned_parameter`); None otherwise."""
    parent = module.parent(value)
    keyword: str | None = None
    position: int | None = None
    if isinstance(parent, ast.keyword) and parent.arg is not None:
        keyword, call = parent.arg, module.parent(parent)
    elif isinstance(parent, ast.Call) and value in parent.args:
        call, position = parent, parent.args.index(value)
        if any(isinstance(a, ast.Starred) for a in parent.args[: position + 1]):
            return None
    else:
        return None
    if not isinstance(call, ast.Call):
        return None
    callee = _callee(module, call)
    if callee is None:
        return None
    function, bound = callee
    returned = returned_parameter(function)
    if returned is None:
        return None
    name, index = returned
    if not (keyword == name or (position is not None and position + bound == index)):
        return None
    if isinstance(function, ast.AsyncFunctionDef):
        awaited = module.parent(call)
        return awaited if isinstance(awaited, ast.Await) else None
    return call


def returned_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, int] | None:
    """The parameter (name, position among the positional ones, -1 keyword-only) ``function``
    returns on every path: each ``return`` of its own frame returns that name, its body ends
    with one (no path falls off the end), it never binds the name again and never stores it
    elsewhere (``self.c = c``, ``items.append(c)``: a second holder, :func:`_kept_elsewhere`). Not a generator. Kept on
    the node: asked of each call of the function."""
    if _GIVEN_BACK in function.__dict__:
        return function.__dict__[_GIVEN_BACK]  # type: ignore[no-any-return]
    found = _returned_parameter(function)
    setattr(function, _GIVEN_BACK, found)
    return found


def _returned_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, int] | None:
    if not function.body or not isinstance(function.body[-1], ast.Return):
        return None
    returns = own_returns(function)
    names = {r.value.id if isinstance(r.value, ast.Name) else None for r in returns}
    if len(names) != 1 or None in names:
        return None
    name = next(iter(names))
    assert name is not None
    args = function.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if name in positional:
        index = positional.index(name)
    elif name in [a.arg for a in args.kwonlyargs]:
        index = -1
    else:
        return None
    for node in own_nodes(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return None  # bound again: what it returns may be another object
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
    return name, index


def _kept_elsewhere(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Whether ``function`` stores its parameter ``name`` somewhere besides returning it."""
    return any(
        classify(module, load).kind in ("alias", "container") or added_to(module, load) is not None for load in name_loads(function, name)
    )


def _callee(module: ModuleInfo, call: ast.Call) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, int] | None:
    """The first-party function ``call`` calls, with how many of its positional parameters the
    call binds before its own arguments (1 for ``self.m(...)``'s ``self``); one that stores the
    parameter it returns elsewhere is none (see :func:`returned_parameter`)."""
    func = call.func
    found: tuple[ModuleInfo, ast.AST] | None = None
    bound = 0
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        caller = module.enclosing_function(call)
        cls = module.parent(caller) if caller is not None else None
        if caller is not None and isinstance(cls, ast.ClassDef) and func.value.id == self_name(caller):
            method = class_method(cls, func.attr)
            if method is None or any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in method.decorator_list):
                return None
            found, bound = (module, method), 1
    if found is None and isinstance(func, (ast.Name, ast.Attribute)):
        found = resolve_definition(module, func)
    if found is None or not isinstance(callee := found[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    home = found[0]
    returned = returned_parameter(callee)
    if returned is None or _kept_elsewhere(home, callee, returned[0]):
        return None
    return callee, bound
