"""Where a local resource outlives the function that makes it, through something built from it.

``session = ClientSession(); self.api = Api(session)``: the session is lent to an ``Api``, and the
``Api`` is kept on ``self`` after the function returns, so the session is used after it: it must
be closed where that holder ends, not in the function. ``async with`` around the rest of the
function would close it under the holder (every later call fails with "Session is closed"), so
TRD201 offers no such fix there and says where the resource lives on.

A value *carries* the resource when it is the resource itself, a display holding it
(``[session]``, ``{"http": session}``), or an object a class builds from it (``Api(session)``,
``Api(http=session)``; a call whose callee is a class: the project's own, or named as classes are,
``CapWords``). What a function or method returns from it (``await fetch(session, url)``,
``session.get(url)``) carries nothing: it computes with the resource and is done. A carrier is
kept beyond the function when it is stored in an attribute or an item (``self.api = ...``,
``hass.data[key] = ...``), in a name the function declares ``global`` or ``nonlocal``, or grown
into a collection that is not a local of the function (``REGISTRY.append(client)``,
``self.clients.add(client)``); a local it is bound to carries it in turn. An object whose method
keeps it and never ends it (``self.api.set_session(session)``, :mod:`.method_stores`) carries it
too."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.coordinator_ends import SHUTDOWN, ended_by_its_entry
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import capword
from tradelint.facts.global_bindings import declarations
from tradelint.facts.uses import name_loads, name_stores
from tradelint.models.resources.frame_caches import frame_cache
from tradelint.models.resources.method_stores import kept_unreleased_by_method

# Methods that put their argument into the collection they are called on.
GROWERS = frozenset({"append", "appendleft", "add", "extend", "insert", "setdefault", "put_nowait", "push"})


def kept_beyond(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    """Where the local ``name`` (bound once in ``function``), or a value carrying it, is kept
    after ``function`` returns: the attribute, item, outer name or collection it is stored in;
    None when it is kept nowhere beyond the function (or only handed to calls, which the
    resource rules judge)."""
    outer = declarations(function)[1]
    carriers = [name]
    seen = {name}
    while carriers:
        carrier = carriers.pop()
        for load in name_loads(function, carrier):
            top = _carried_to(module, load)
            parent = module.parent(top)
            targets: list[ast.expr] = []
            if isinstance(parent, ast.Assign) and parent.value is top:
                targets = parent.targets
            elif isinstance(parent, (ast.AnnAssign, ast.AugAssign)) and parent.value is top:
                targets = [parent.target]
            elif (
                isinstance(parent, ast.Call)
                and isinstance(parent.func, ast.Attribute)
                and parent.func.attr in GROWERS
                and any(a is top for a in parent.args)
            ):
                targets = [parent.func.value]
            elif isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and kept_unreleased_by_method(module, parent, top):
                targets = [parent.func.value]  # ``self.api.set_session(session)``: kept by the object
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and frame_cache(module, function, target.value.id):
                    continue  # ``clients[host] = client`` in a dict that dies with the frame
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    return target
                if isinstance(target, ast.Name):
                    if target.id in outer or not name_stores(function, target.id):
                        return target  # ``global`` / ``nonlocal``, or a parameter's collection
                    if target.id not in seen:
                        seen.add(target.id)
                        carriers.append(target.id)
    return None


def opened_where_kept(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """A lazy resource (a client that opens on its first request) kept beyond ``function`` in a
    place other than its own object's attributes (``app.state.client = client``, ``app["db"] =
    pool``, a global): kept there to be used, it is opened where it is kept, as one stored there
    at once is (``app.state.client = httpx.AsyncClient()``). What ``self`` keeps is judged by its
    class's readings of it (:mod:`.unopened`)."""
    target = kept_beyond(module, function, name)
    root = target
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    return target is not None and not (isinstance(root, ast.Name) and root.id in ("self", "cls"))


def carrier_names(module: ModuleInfo, function: ast.AST, name: str) -> set[str]:
    """``name`` and the locals of ``function`` bound to a value carrying it (``device =
    Device(manager)``, ``pair = (reader, writer)``), and to a value carrying those, in turn."""
    found = {name}
    todo = [name]
    while todo:
        for load in name_loads(function, todo.pop()):
            top = _carried_to(module, load)
            parent = module.parent(top)
            if top is not load and isinstance(parent, ast.Assign) and parent.value is top:
                for target in parent.targets:
                    if isinstance(target, ast.Name) and target.id not in found:
                        found.add(target.id)
                        todo.append(target.id)
    return found


def carrier_handoff(module: ModuleInfo, function: ast.AST, node: ast.expr) -> ast.expr:
    """Where the resource ``node`` hands on leaves the function inside what carries it:
    ``device = Device(session)`` ... ``return device`` (or ``self.device = device``), the first
    later load of that local, bound once, returned or stored in an attribute or an item; an
    ``await`` that raises before it drops the local and, with it, the resource, as one before
    ``return Device(session)`` does. ``node`` itself when no such local carries it."""
    top = _carried_to(module, node)
    stmt = module.parent(top)
    if top is node or not (isinstance(stmt, ast.Assign) and stmt.value is top and len(stmt.targets) == 1):
        return node
    if isinstance(top, ast.Call) and ended_by_its_entry(module, top, SHUTDOWN):
        return node  # (a coordinator made for the entry: its unload ends it, and what it holds, from there on)
    target = stmt.targets[0]
    if not isinstance(target, ast.Name) or len(name_stores(function, target.id)) != 1:
        return node
    for load in sorted(name_loads(function, target.id), key=lambda n: (n.lineno, n.col_offset)):
        outer = _carried_to(module, load)
        parent = module.parent(outer)
        if isinstance(parent, ast.Return) or (
            isinstance(parent, ast.Assign) and parent.value is outer
            and all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in parent.targets)
        ):
            return load
    return node


def holder_outlives(module: ModuleInfo, function: ast.AST, node: ast.expr) -> bool:
    """Whether what takes ``node`` outlives ``function``: a local carrying it that is returned or
    stored (``carrier_handoff``), or a coordinator made for the entry, which the entry's unload
    ends. A holder dropped at the end (``device = Device(manager)`` ... ``return True``) does not."""
    top = _carried_to(module, node)
    return (isinstance(top, ast.Call) and ended_by_its_entry(module, top, SHUTDOWN)) or carrier_handoff(module, function, node) is not node


def _carried_to(module: ModuleInfo, node: ast.expr) -> ast.expr:
    """The outermost value that carries ``node``: through displays, ``*`` and class calls
    given it (awaited or not); ``node`` itself when none holds it."""
    current: ast.expr = node
    while True:
        parent = module.parent(current)
        if isinstance(parent, (ast.Tuple, ast.List, ast.Set, ast.Starred)):
            current = parent
        elif isinstance(parent, ast.Dict) and any(v is current for v in parent.values):
            current = parent
        elif isinstance(parent, ast.keyword) and isinstance(call := module.parent(parent), ast.Call) and _builds(module, call):
            current = call
        elif isinstance(parent, ast.Call) and any(a is current for a in parent.args) and _builds(module, parent):
            current = parent
        elif isinstance(parent, ast.Await) and isinstance(current, ast.Call):
            current = parent
        else:
            return current


def _builds(module: ModuleInfo, call: ast.Call) -> bool:
    """``call`` constructs an object: its callee is a class of the project, or is named as
    classes are (``Api``, ``lib.Client``)."""
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if not capword(last) or last.isupper():
        return False
    found = definition_of(module, func)
    return found is None or found[1].kind == "class"
