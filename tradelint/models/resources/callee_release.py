"""A resource closed by the function it is given: ``await self._test(client)`` where ``_test``
ends with ``await client.disconnect()``. The close is the callee's, and it is where the callee
puts it: in a ``finally`` (or an ``async with`` of the parameter) it runs whatever happens in
the callee; as a plain statement it runs only when everything before it in the callee succeeded,
and an error there leaves the caller's resource open (FaserF/ha-openwrt ``73cf89bc``: a config
flow's connection test, whose caller catches the error and goes on).

The callee is read from its own code: a module-level ``async def`` of the project, or a method
of the caller's own class called on ``self`` (a ``@staticmethod`` binds no ``self``). Its
parameter must be bound to the resource plainly (by position, no ``*args`` before it, or by
keyword).

A callee that hands its parameter to another first-party coroutine that ends it ends it too
(``_teardown(key, stack)`` awaiting ``self._close_stack(stack)``, which awaits
``stack.aclose()``): the chain is followed a few calls deep, each function once. The release
keeps where each link puts it: a link whose release is only on its normal path makes the whole
chain's release a plain one, whatever ``finally`` the outer calls sit in."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Literal

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import is_release_name, lineage, releases_attr
from tradelint.facts.release_names import BARE_RELEASE
from tradelint.facts.named_classes import class_named, stored_at
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import walk, class_method
from tradelint.facts.uses import classify, in_cleanup_block, name_loads, self_name
from tradelint.models.resources.getattr_releases import releases_through_getattr

Release = Literal["finally", "plain", "first"]

Function = ast.FunctionDef | ast.AsyncFunctionDef

# How many first-party calls deep a release handed on is followed.
_CHAIN = 4


def callee_releases(
    module: ModuleInfo, call: ast.Call, arg: ast.expr, close: str | None, seen: frozenset[int] = frozenset()
) -> Release | None:
    """How the first-party coroutine ``call`` awaits closes the resource given as ``arg``:
    ``"finally"`` when every release of its parameter runs in a ``finally`` (or the parameter
    is entered with ``async with``), ``"plain"`` when some release runs only on its normal path,
    None when it releases nothing, or cannot be read. A release is the callee's own or that of
    a first-party coroutine it hands the parameter to (``seen``: the functions of the chain)."""
    if not isinstance(module.parent(call), ast.Await) or not any(
        a is arg for a in (*call.args, *(k.value for k in call.keywords))
    ):
        return None
    found = awaited_callee(module, call)
    if found is None:
        return None
    home, function, skip_self = found
    if id(function) in seen or len(seen) >= _CHAIN:
        return None
    param = bound_parameter(function, call, arg, skip_self)
    if param is None:
        return None
    chain = seen | {id(function)}
    releases: list[str | None] = []
    for node in name_loads(function, param):
        use = classify(home, node)
        item = home.parent(node)
        if use.kind == "with" and item is not None and isinstance(home.parent(item), ast.AsyncWith):
            releases.append("finally")
        elif use.kind == "method" and use.call is not None and _ends_whole(use.name, use.call, close):
            releases.append(in_cleanup_block(home, node, function))
        elif use.kind == "argument" and releases_through_getattr(home, use, close, True):
            releases.append(in_cleanup_block(home, node, function))  # ``getattr(client, "aclose")()``
        elif use.kind == "argument" and use.call is not None and (
                inner := callee_releases(home, use.call, node, close, chain)) is not None:
            # ``await self._close_stack(stack)``: released where the next link releases it; one
            # that releases it only on its normal path releases it so here too.
            releases.append(in_cleanup_block(home, node, function) if inner != "plain" else None)
    if not releases:
        return None
    if all(r == "finally" for r in releases):
        return "finally"
    # ``async def close_writer(w): w.close(); await w.wait_closed()``: released before the
    # callee does anything else, as a close in the caller's own statement would be.
    return "first" if _releases_first(home, function, param, close, chain) else "plain"


def _releases_first(home: ModuleInfo, function: Function, param: str, close: str | None, chain: frozenset[int]) -> bool:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if not body:
        return False
    first = body[0]
    value = first.value if isinstance(first, ast.Expr) else None
    awaited = isinstance(value, ast.Await)
    value = value.value if isinstance(value, ast.Await) else value
    if awaited and isinstance(value, ast.Call) and len(value.args) + len(value.keywords) > 0:
        # ``await close_writer(w)`` first: released as that link starts, or in its ``finally``.
        given = next((a for a in (*value.args, *(k.value for k in value.keywords)) if isinstance(a, ast.Name) and a.id == param), None)
        if given is not None and callee_releases(home, value, given, close, chain) in ("finally", "first"):
            return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == param
        and _ends_whole(value.func.attr, value, close)
        and not any(isinstance(n, (ast.Call, ast.Await)) for a in value.args for n in walk(a))
    )


def _ends_whole(name: str, call: ast.Call, close: str | None) -> bool:
    """Whether ``<param>.<name>(...)`` ends the whole object a callee is given: the resource's own
    release, a bare release word (``close(1000)``, ``stop()``), or a release-like name of its
    own given nothing (``close_all()``). Not one given what to end (``stop_notify(uuid)``, a
    BLE client's notifications on one characteristic; ``stop(guild_id)``): that ends a part."""
    if name == close or BARE_RELEASE.match(name.lstrip("_")):
        return True
    return is_release_name(name) and not call.args and not call.keywords


def awaited_callee(module: ModuleInfo, call: ast.Call) -> tuple[ModuleInfo, Function, bool] | None:
    """The first-party coroutine ``call`` calls, read as :func:`callee_releases` reads it: a
    module-level ``async def`` of the project, or an ``async def`` of the caller's own class
    called on ``self``, with its module and whether its first parameter is ``self`` (a
    ``@staticmethod`` binds none)."""
    func = call.func
    caller = module.enclosing_function(call)
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and caller is not None
        and func.value.id == self_name(caller)
    ):
        cls = module.parent(caller)
        if not isinstance(cls, ast.ClassDef):
            return None
        method = class_method(cls, func.attr, ast.AsyncFunctionDef)
        return (module, method, self_name(method) is not None) if method is not None else None
    found = module_coroutine(module, func)
    return (found[0], found[1], False) if found is not None else None


def module_coroutine(module: ModuleInfo, func: ast.expr) -> tuple[ModuleInfo, ast.AsyncFunctionDef] | None:
    """The first-party module-level ``async def`` that ``func`` names, with the module it is
    defined in (this one or another of the project); None when it is not one."""
    found = definition_of(module, func)
    if found is None or found[1].kind != "async_function":
        return None
    summary, definition = found
    home = module if summary.path == module.summary.path else module.project.module_at(Path(summary.path))
    if home is None:
        return None
    function = next((n for n in home.tree.body if isinstance(n, ast.AsyncFunctionDef) and n.name == definition.name), None)
    return (home, function) if function is not None else None


def bound_parameter(function: Function, call: ast.Call, arg: ast.expr, skip_self: bool) -> str | None:
    """The parameter of ``function`` that ``call`` binds ``arg`` to plainly (by position, no
    ``*args`` before it, or by keyword; :func:`awaited_callee` says whether ``self`` is skipped);
    None when it cannot be told."""
    params = [*function.args.posonlyargs, *function.args.args][1 if skip_self else 0 :]
    if any(a is arg for a in call.args):
        index = next(i for i, a in enumerate(call.args) if a is arg)
        if index >= len(params) or any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
            return None
        return params[index].arg
    name = next((k.arg for k in call.keywords if k.value is arg), None)
    if name is None or name not in {p.arg for p in (*params, *function.args.kwonlyargs)}:
        return None
    return name


def callee_takes_over(module: ModuleInfo, call: ast.Call, arg: ast.expr, close: str) -> bool:
    """Whether the first-party coroutine ``call`` awaits is shown to end what it gets as ``arg``:
    it closes the parameter (:func:`callee_releases`), or hands it to a first-party class that
    keeps it and ends it by its own release (``Transport(client, config)`` whose ``close()``
    awaits ``self._client.disconnect()``; not one that only stops notifications on it)."""
    if callee_releases(module, call, arg, close) is not None:
        return True
    found = module_coroutine(module, call.func)
    param = bound_parameter(found[1], call, arg, False) if found is not None else None
    if found is None or param is None:
        return False
    home, function = found
    for node in name_loads(function, param):
        use = classify(home, node)
        if use.kind == "argument" and use.call is not None and _kept_and_ended(home, use.call, node, close):
            return True
    return False


def _kept_and_ended(home: ModuleInfo, call: ast.Call, arg: ast.expr, close: str) -> bool:
    """``Transport(client, config)``: a first-party class that stores ``arg`` and calls the
    resource's own release (``close``), ``close()`` or ``aclose()`` on that attribute."""
    found = class_named(home, call.func)
    if found is None:
        return False
    family = lineage(home.project, *found)
    attr = next((f.stored_params[k.arg] for k in call.keywords if k.value is arg and k.arg for _, f in family if k.arg in f.stored_params), None)
    if attr is None and arg in call.args:
        position = call.args.index(arg)
        attr = stored_at(home.project, family, position)
    return attr is not None and releases_attr(family, attr, frozenset({close, "close", "aclose"})) is not None


def callee_release_nodes(module: ModuleInfo, function: ast.AST, name: str, close: str | None) -> list[ast.AST]:
    """The loads of ``name`` in ``function`` handed to an awaited first-party coroutine that ends
    it (:func:`callee_releases`, through its chain): ``except Exception: await
    self._teardown(stack); raise`` releases ``stack`` on that way out as ``await stack.aclose()``
    there would."""
    found: list[ast.AST] = []
    for node in name_loads(function, name):
        use = classify(module, node)
        if use.kind == "argument" and use.call is not None and callee_releases(module, use.call, node, close) is not None:
            found.append(node)
    return found
