"""Home Assistant tasks that hold up its stop, kept where only the unload or a removal ends them.

A task from ``hass.async_create_task(...)`` is *tracked*: Home Assistant keeps it and waits for it
when it stops, where no config entry is unloaded and no entity removed (``hass_waits``). A task
whose coroutine waits (a loop that never ends by itself, or a timer written to be cancelled: it
catches ``CancelledError`` around its pause) therefore holds the stop up unless something that
runs at the stop cancels it. ``hass_waits`` judges such a task kept in an attribute of ``self``; this module judges
it kept elsewhere:

- on another object, the one whose method the task runs (``entity._pending_timer =
  self.hass.async_create_task(cast(Any, entity)._clear_pending_after_timeout(t))`` in a service
  handler; the entity cancels ``self._pending_timer`` only in ``async_will_remove_from_hass()``:
  ramses-rf/ramses_cc ``ce8e12cb``);
- in a collection of ``self``, also through a local (``task = self.hass.async_create_task(coro);
  self._renewal_tasks[cam_id] = task``), where the coroutine may be the method's parameter, read
  at every call of the method in the class (``self._replace_renewal_task(cam_id,
  self._auto_renew_local_session(cam_id, gen))``; the unload cancels the collection, the stop does
  not: mosandlt/Bosch-Smart-Home-Camera-Tool-HomeAssistant ``34d52089``).

Reported only when the attribute is ended somewhere, and every end is one the stop never runs:
an entity's removal, what the integration's unload reaches, or a restart (a cancel followed, in the
same function, by a new task stored in the attribute). A listener of the stop (or a coordinator's
``async_shutdown()``) that cancels through the attribute, or a task handed on to anything else,
is no finding."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import ENTITY_TEARDOWN, UNLOAD_FUNCTIONS, integration_folder, unload_reach
from tradelint.facts.project_files import project_files
from tradelint.facts.syntax import FUNCTION_NODES, attribute_place, last_name, walk
from tradelint.models.tasks.hass_waits import (
    TRACKED_CREATORS, coroutine_function, ended_at_stop, how_it_waits, integration_methods,
)

# What a local bound to the task may do besides being stored: look at it, give it a done callback.
_LOOKS = frozenset({"done", "cancelled", "add_done_callback", "get_name", "set_name"})


_ADDERS = frozenset({"add", "append", "appendleft"})


@dataclass(frozen=True)
class StopHolder:
    stmt: ast.stmt  # where the task is made (reported)
    name: str  # where it is kept: ``entity._pending_timer``, ``self._renewal_tasks``
    what: str  # ``"loop"`` or ``"timer"``
    function: ast.FunctionDef | ast.AsyncFunctionDef
    cls: ast.ClassDef


def kept_past_the_stop(module: ModuleInfo, call: ast.Call) -> StopHolder | None:
    """The place a tracked task ``call`` makes is kept in, when its coroutine waits and every end of
    that place is one Home Assistant's stop never runs; else None."""
    arg = _tracked_argument(call)
    function = module.enclosing_function(call)
    if arg is None or function is None or module.enclosing_scope(call) is not function or not function.args.args:
        return None
    cls = module.parent(function)
    stmt = module.parent(call)
    if not isinstance(cls, ast.ClassDef) or not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return None
    own = function.args.args[0].arg
    holders = _holders(cls, function, stmt, own)
    if not holders:
        return None
    kind = _waiting(module, function, cls, call, arg, holders, own)
    if kind is None:
        return None
    what = kind[0]
    attrs = [attr for _, attr in holders]
    ends = [end for attr in attrs for end in _ends(module, attr)]
    if not ends:
        return None
    reach = unload_reach(module) or frozenset()
    if not all(_before_the_stop(home, end, attrs, reach) for home, end in ends):
        return None
    if any(ended_at_stop(module, attr) for attr in attrs):
        return None
    holder, attr = holders[0]
    return StopHolder(stmt, f"{holder}.{attr}", what, function, cls)


def _tracked_argument(call: ast.Call) -> ast.expr | None:
    """What ``hass.async_create_task(c)`` / ``self.hass.create_task(c)`` is given."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in TRACKED_CREATORS or not call.args:
        return None
    return call.args[0] if last_name(func.value).lstrip("_") == "hass" else None


def _holders(
    cls: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, stmt: ast.Assign, own: str
) -> list[tuple[str, str]]:
    """Where the task of ``stmt`` is kept: ``X.attr = task``, ``X.attr[k] = task`` or
    ``X.attr.add(task)`` directly or through a local, as (``X``, ``attr``). Empty when a local
    bound to it is used in any other way (handed on, awaited, cancelled here, returned to a caller
    that keeps it) or the task is kept on ``self``'s attribute directly (``hass_waits``'s own case)."""
    target = stmt.targets[0]
    place = attribute_place(target)
    if place is not None:
        return [] if place[0] == own and isinstance(target, ast.Attribute) else [place]
    if not isinstance(target, ast.Name):
        return []
    found: list[tuple[str, str]] = []
    for node in walk(function):
        if not (isinstance(node, ast.Name) and node.id == target.id and isinstance(node.ctx, ast.Load)):
            continue
        use = _use(function, node)
        if use == ("return", "") and _callers_drop(cls, function.name):
            continue
        if use is None or use[0] == "return":
            return []
        if use != ("", ""):
            found.append(use)
    return found


def _use(function: ast.AST, name: ast.Name) -> tuple[str, str] | None:
    """How ``name`` (a load of the local) is used: stored (its place), looked at (``("", "")``),
    or anything else (None)."""
    for node in walk(function):
        if isinstance(node, ast.Assign) and node.value is name and len(node.targets) == 1:
            return attribute_place(node.targets[0])
        if isinstance(node, ast.Call):
            func = node.func
            if func is not None and isinstance(func, ast.Attribute):
                if func.value is name and func.attr in _LOOKS:
                    return ("", "")
                if func.attr in _ADDERS and node.args and node.args[0] is name and len(node.args) == 1:
                    return attribute_place(func.value)
        if isinstance(node, (ast.If, ast.BoolOp, ast.UnaryOp)) and _tested(node, name):
            return ("", "")
        if isinstance(node, ast.Return) and node.value is name:
            return ("return", "")
    return None


def _callers_drop(cls: ast.ClassDef, name: str) -> bool:
    """Whether every call of ``self.<name>(...)`` in ``cls`` throws its result away (there is one)."""
    calls = [
        n for n in walk(cls)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == name
        and isinstance(n.func.value, ast.Name)
    ]
    return bool(calls) and all(_statement(cls, c) for c in calls)


def _statement(cls: ast.ClassDef, call: ast.Call) -> bool:
    return any(isinstance(n, ast.Expr) and n.value is call for n in walk(cls))


def _tested(node: ast.AST, name: ast.Name) -> bool:
    test = node.test if isinstance(node, ast.If) else node
    if test is name:
        return True
    if isinstance(test, ast.UnaryOp):
        return test.operand is name
    return isinstance(test, ast.BoolOp) and any(v is name for v in test.values)


def _waiting(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    cls: ast.ClassDef,
    call: ast.Call,
    arg: ast.expr,
    holders: list[tuple[str, str]],
    own: str,
) -> tuple[str, bool] | None:
    """How the task's coroutine waits (``how_it_waits``): read where it is made, or, when it is
    the method's parameter, at each call of the method on ``self`` in the class (the first that
    waits). A task kept on another object must run that object's method."""
    if isinstance(arg, ast.Call):
        sites = [(call, arg)]
    elif isinstance(arg, ast.Name) and arg.id in {a.arg for a in function.args.args[1:]}:
        sites = list(_given(cls, function, arg.id))
    else:
        return None
    others = {holder for holder, _ in holders if holder != own}
    for site, coro in sites:
        receiver = _receiver(coro)
        if others and (receiver is None or receiver not in others):
            return None
        found = coroutine_function(module, site, coro)
        if found is None and receiver is not None and receiver != own and isinstance(coro.func, ast.Attribute):
            methods = integration_methods(module, coro.func.attr)
            if len(methods) == 1 and isinstance(methods[0][1], ast.AsyncFunctionDef):
                found = methods[0][0], methods[0][1]
        kind = how_it_waits(found[0], found[1], coro, at_stop=True) if found is not None else None
        if found is not None and kind is not None and (kind[0] == "loop" or (kind[1] and _cancelled_while_waiting(found[1]))):
            return kind
    return None


def _cancelled_while_waiting(target: ast.AsyncFunctionDef) -> bool:
    """Whether the timer ``target`` expects to be cancelled while it waits: a ``try`` whose body
    holds its pause or loop has a ``CancelledError`` handler. One that catches it only around what
    it does when it fires (``await asyncio.sleep(d)``, then ``try: await stop_rollers() except
    CancelledError: raise``) is a timer meant to fire (fdebrus/Nikobus-HA's timed roller stop)."""
    for node in walk(target):
        if not isinstance(node, ast.Try) or not any(
            h.type is not None and any(last_name(t) == "CancelledError" for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]))
            for h in node.handlers
        ):
            continue
        if any(isinstance(n, ast.While) or (isinstance(n, ast.Await) and isinstance(n.value, ast.Call) and last_name(n.value.func) == "sleep")
               for stmt in node.body for n in walk(stmt)):
            return True
    return False


def _receiver(coro: ast.Call) -> str | None:
    """``X`` of ``X.m(...)`` or of ``cast(Any, X).m(...)``."""
    func = coro.func
    if not isinstance(func, ast.Attribute):
        return None
    value = func.value
    if isinstance(value, ast.Call) and last_name(value.func) == "cast" and len(value.args) == 2:
        value = value.args[1]
    return value.id if isinstance(value, ast.Name) else None


def _given(cls: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> list[tuple[ast.Call, ast.Call]]:
    """Each ``self.<function>(..., coro, ...)`` in ``cls`` with the coroutine call it gives ``param``."""
    params = [a.arg for a in function.args.args[1:]]
    index = params.index(param)
    found: list[tuple[ast.Call, ast.Call]] = []
    for node in walk(cls):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == function.name
                and isinstance(node.func.value, ast.Name)):
            continue
        given = next((k.value for k in node.keywords if k.arg == param), None)
        if given is None and index < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[: index + 1]):
            given = node.args[index]
        if isinstance(given, ast.Call):
            found.append((node, given))
    return found


def _ends(module: ModuleInfo, attr: str) -> list[tuple[ModuleInfo, ast.AST]]:
    """Every function of ``module``'s integration (or of the module, outside one) that names
    ``attr`` (an attribute, or ``getattr(x, "attr")``) and cancels something, with its module."""
    folder = integration_folder(module)
    modules: list[ModuleInfo] = [module]
    if folder is not None:
        project = module.project
        project.note_scan("tree", folder)
        modules = [m for m in (module if p == module.path else project.module_at(p) for p in project_files(project, folder) or ())
                   if m is not None]
    found: list[tuple[ModuleInfo, ast.AST]] = []
    for home in modules:
        for node in walk(home.tree):
            if not isinstance(node, FUNCTION_NODES) or not _names(node, attr):
                continue
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
                   for n in _own(node)):
                found.append((home, node))
    return found


def _own(function: ast.AST) -> list[ast.AST]:
    nodes: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        nodes.append(node)
        if not isinstance(node, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return nodes


def _names(function: ast.AST, attr: str) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == attr)
        or (isinstance(n, ast.Call) and last_name(n.func) == "getattr" and len(n.args) >= 2
            and isinstance(n.args[1], ast.Constant) and n.args[1].value == attr)
        for n in _own(function)
    )


def _before_the_stop(module: ModuleInfo, function: ast.AST, attrs: list[str], reach: frozenset[str]) -> bool:
    """Whether the cancelling ``function`` is one the stop never runs: an entity's removal, what the
    unload reaches, or a restart (it stores a new task in one of ``attrs`` after its cancel)."""
    scope: ast.AST | None = function
    while scope is not None:
        name = getattr(scope, "name", "")
        if name == ENTITY_TEARDOWN or name in UNLOAD_FUNCTIONS or name in reach:
            return True
        scope = module.enclosing_function(scope)
    cancels = [n.lineno for n in _own(function)
               if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"]
    stores = [n.lineno for n in _own(function)
              if isinstance(n, ast.Assign) and any((attribute_place(t) or ("", ""))[1] in attrs for t in n.targets)]
    return bool(cancels) and bool(stores) and max(stores) > min(cancels)
