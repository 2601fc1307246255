"""Readings TRD305 (``replaced``) asks of a store that may replace a running task, beyond the
class's own loop and its own calls (gndean/home-assistant-hypervolt-charger ``31ac39ea``: each
failed update of a Home Assistant coordinator started two more websocket loops of its API client
beside the running ones):

- whose loop the task runs: a method of the class, or of the first-party class that an attribute
  of ``self`` holds (``self.api.listen(...)``, typed by what the class stores in it:
  ``attribute_class``), when it loops until cancelled, itself or in a method of its own class that
  it awaits (``await self._listen_forever(url)``);
- why the storing method runs again: Home Assistant calls a ``DataUpdateCoordinator``'s
  ``_async_update_data()`` at every update interval (and at each refresh asked for); a store it
  reaches through awaited calls of its class runs at each update;
- which ``if`` around the store is no guard: a test of a parameter of the method with a true
  default (``if retry:``) that every call from another method of the class leaves at its default
  (or passes ``True``): the caller decides, not state of the object.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tradelint.facts.attribute_types import attribute_class
from tradelint.facts.syntax import base_class, class_method
from tradelint.facts.uses import endless_loop, self_name

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

Function = ast.FunctionDef | ast.AsyncFunctionDef

# Home Assistant's coordinators, whose ``_async_update_data`` it calls at every update interval.
COORDINATORS = frozenset({
    "homeassistant.helpers.update_coordinator.DataUpdateCoordinator",
    "homeassistant.helpers.update_coordinator.TimestampDataUpdateCoordinator",
})
UPDATE = "_async_update_data"

# How many awaited calls of its own class a looping coroutine is followed through.
DEPTH = 3


def looping_coroutine(module: ModuleInfo, cls: ast.ClassDef, call: ast.Call, receiver: str) -> str | None:
    """What the task that ``call`` makes runs, as ``name`` (a method of ``cls``) or ``attr.name``
    (a method of ``self.attr``'s first-party class), when it loops until cancelled."""
    coro = call.args[0] if call.args else None
    if not (isinstance(coro, ast.Call) and isinstance(coro.func, ast.Attribute)):
        return None
    holder = coro.func.value
    if isinstance(holder, ast.Name) and holder.id == receiver:
        method = class_method(cls, coro.func.attr, ast.AsyncFunctionDef)
        return method.name if method is not None and _loops(cls, method, 0) else None
    if isinstance(holder, ast.Attribute) and isinstance(holder.value, ast.Name) and holder.value.id == receiver:
        typed = attribute_class(module, cls, holder.attr)
        if typed is None:
            return None
        other = typed[1]
        method = class_method(other, coro.func.attr, ast.AsyncFunctionDef)
        if method is not None and _loops(other, method, 0):
            return f"{holder.attr}.{method.name}"
    return None


def _loops(cls: ast.ClassDef, method: Function, depth: int) -> bool:
    """The method loops until cancelled, itself or in a method of ``cls`` it awaits."""
    if any(endless_loop(node) for node in ast.walk(method)):
        return True
    receiver = self_name(method)
    if receiver is None or depth >= DEPTH:
        return False
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id == receiver
        ):
            callee = class_method(cls, node.value.func.attr, ast.AsyncFunctionDef)
            if callee is not None and callee is not method and _loops(cls, callee, depth + 1):
                return True
    return False


def periodic_update(module: ModuleInfo, cls: ast.ClassDef, storing: str) -> str | None:
    """Why the storing method runs again when the class is a Home Assistant coordinator and its
    ``_async_update_data`` reaches it through awaited calls of the class."""
    if not any(_coordinator(module, base) for base in cls.bases):
        return None
    update = class_method(cls, UPDATE, ast.AsyncFunctionDef)
    if update is None or not (storing == UPDATE or storing in _awaited_reach(cls, update)):
        return None
    return f"Home Assistant calls `{UPDATE}()` at every update interval"


def _coordinator(module: ModuleInfo, base: ast.expr) -> bool:
    return module.imports.qualify(base_class(base)) in COORDINATORS  # (``DataUpdateCoordinator[State]``)


def _awaited_reach(cls: ast.ClassDef, start: Function) -> set[str]:
    """The methods of ``cls`` that ``start`` awaits on ``self``, transitively."""
    seen: set[str] = set()
    todo: list[Function] = [start]
    while todo:
        method = todo.pop()
        receiver = self_name(method)
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == receiver and node.value.func.attr not in seen
            ):
                seen.add(node.value.func.attr)
                callee = class_method(cls, node.value.func.attr)
                if callee is not None:
                    todo.append(callee)
    return seen


def caller_decides(cls: ast.ClassDef, function: Function, test: ast.expr) -> bool:
    """``if <parameter>:`` where the parameter defaults to a true constant and every call of the
    method from another method of ``cls`` leaves it at that default or passes ``True``."""
    if not isinstance(test, ast.Name):
        return False
    params = function.args.posonlyargs + function.args.args
    defaults = function.args.defaults
    index = next((i for i, p in enumerate(params) if p.arg == test.id), None)
    offset = len(params) - len(defaults)
    if index is None or index < offset:
        return False
    default = defaults[index - offset]
    if not (isinstance(default, ast.Constant) and default.value is True):
        return False
    if any(isinstance(n, ast.Name) and n.id == test.id and isinstance(n.ctx, ast.Store) for n in ast.walk(function)):
        return False
    calls = 0
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method is function:
            continue
        receiver = self_name(method)
        for node in ast.walk(method):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == receiver
                and node.func.attr == function.name
            ):
                continue
            calls += 1
            if not leaves_true(function, node, test.id):
                return False
    return calls > 0


def leaves_true(function: Function, call: ast.Call, name: str) -> bool:
    """``call`` (of ``function`` on ``self``) leaves the parameter ``name`` at its default or
    passes ``True``."""
    params = function.args.posonlyargs + function.args.args
    index = next((i for i, p in enumerate(params) if p.arg == name), None)
    if index is None:
        return False
    given = _argument(call, index - 1, name)  # ``self`` is not passed
    return given is None or (isinstance(given, ast.Constant) and given.value is True)


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return ast.Name(id="?")  # unpacked: it may be given
    if 0 <= position < len(call.args):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)
