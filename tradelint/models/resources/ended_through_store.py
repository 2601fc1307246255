"""A local kept through a holder in a framework's store, and ended by the end of life the framework
calls through that same store (issue 28, session 40: "every flagged site clean after the fix").

``client = Client(hass); entry.runtime_data = Coordinator(hass, client)``: the coordinator keeps
the client as ``self.client`` (its ``__init__`` stores the parameter) and the config entry keeps
the coordinator, so the client lives on in ``entry.runtime_data.client``. The end of life the
framework calls for that store ends it when it reads the same store back (into a name or inline)
and calls a release of the instance through that attribute path: iprak/sensi ``9ec66e57``'s
``coordinator = entry.runtime_data; await coordinator.client.stop()`` in ``async_unload_entry``.

The ends of life, each reading the store through its own parameters (matched by position):

- Home Assistant's ``async_unload_entry`` (and ``async_remove_entry``) of the module whose
  ``async_setup_entry`` keeps it;
- the handlers an aiohttp application runs at its end (``app.on_cleanup.append(f)``,
  ``app.on_shutdown.append(f)``), for what a handler of the module keeps;
- the code after the ``yield`` of the function that keeps it (a FastAPI lifespan, an aiohttp
  cleanup context), which may also read the holder through its own local (``hub.feed.close()``).

The store is compared step by step (``hass.data.setdefault(DOMAIN, {})[entry.entry_id]`` is the
place ``hass.data[DOMAIN].pop(entry.entry_id)`` reads back); a release on another attribute of the
holder, or through another key, ends nothing of this one.
"""

from __future__ import annotations

import ast

from tradelint.facts.class_family import resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import UNLOAD_FUNCTIONS
from tradelint.facts.named_classes import class_named
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import name_loads

Key = tuple[tuple[str, str], ...]

# The setup that keeps for an entry (its ends: ``framework_ends.UNLOAD_FUNCTIONS``).
_SETUPS = ("async_setup_entry",)
# aiohttp's signals run at an application's end.
_END_SIGNALS = ("on_cleanup", "on_shutdown")
# Methods of a mapping that read the item of their first argument.
_ITEM_READERS = ("get", "pop", "setdefault")


def ended_through_store(module: ModuleInfo, function: ast.AST, name: str, close: str, awaited: bool = False) -> bool:
    """Whether the local ``name`` of ``function``, kept (itself or through the holders built from
    it) in a store outside the function, is released by an end of life that reads that store
    back: a call of ``close`` or a release-named method on the attribute path that holds it,
    awaited when the release is a coroutine function (``awaited``: a close never awaited is no
    close)."""
    return ending_store(module, function, name, close, awaited) is not None


def ending_store(module: ModuleInfo, function: ast.AST, name: str, close: str, awaited: bool = False) -> ast.expr | None:
    """The store (:func:`ended_through_store`) whose end of life releases the local ``name``:
    the target of the assignment that keeps it there, or None."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    params = _positions(function)
    stores: list[tuple[ast.expr, Key]] = []
    locals_: dict[str, Key] = {}
    _carriers(module, function, name, (), stores, locals_)
    targets: dict[Key, ast.expr] = {}
    own_aliases = _aliases(function, params)
    for store, path in stores:
        key = _key(store, params, own_aliases)
        if key is not None and key[0][0] == "@":
            targets.setdefault(key + path, store)
    if not targets:
        return None
    after = _after_yield(function)
    if after is not None:
        own = {**{(("$", local),) + path: None for local, path in locals_.items()}, **targets}
        if (found := _released(module, function, params, set(own), close, after, awaited)) is not None:
            return own[found] or next(iter(targets.values()))
    for end in _ends_of_life(module, function):
        if (found := _released(module, end, _positions(end), set(targets), close, 0, awaited)) is not None:
            return targets[found]
    return None


def _carriers(
    module: ModuleInfo, function: ast.AST, name: str, path: Key,
    stores: list[tuple[ast.expr, Key]], locals_: dict[str, Key],
) -> None:
    """Where the value of ``name`` is kept: each store (an attribute or item) with the path from
    what is stored to the value (the attributes of the holders built from it, the constant keys
    of the dict displays it is a value of: ``{"coordinator": coordinator}``), and each local
    bound to it or to a holder of it."""
    if name in locals_ or len(locals_) > 8:
        return
    locals_[name] = path
    for load in name_loads(function, name):
        node: ast.expr = load
        steps = path
        while True:
            parent = module.parent(node)
            if isinstance(parent, ast.Dict) and (key := _constant_key(parent, node)) is not None:
                node, steps = parent, (("[]", key), *steps)
                continue
            if isinstance(parent, ast.keyword) and isinstance(call := module.parent(parent), ast.Call) and parent.arg:
                kept = _kept_as(module, call, parent.arg)
            elif isinstance(parent, ast.Call) and any(a is node for a in parent.args):
                call, kept = parent, _kept_as(module, parent, parent.args.index(node))
            else:
                break
            if kept is None:
                break
            node, steps = call, ((".", kept), *steps)
        parent = module.parent(node)
        if not (isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1):
            continue
        target = parent.targets[0]
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            stores.append((target, steps))
        elif isinstance(target, ast.Name):
            _carriers(module, function, target.id, steps, stores, locals_)


def _constant_key(display: ast.Dict, value: ast.expr) -> str | None:
    """The constant key ``value`` is given under in the dict display, as :func:`_item` spells it."""
    key = next((k for k, v in zip(display.keys, display.values) if v is value), None)
    return repr(key.value) if isinstance(key, ast.Constant) else None


def _kept_as(module: ModuleInfo, call: ast.Call, arg: int | str) -> str | None:
    """The attribute a first-party class's ``__init__`` keeps its argument ``arg`` (a position
    or a keyword) as: ``self.client = client``; None when it keeps it as none."""
    found = resolve_class_node(module, call.func)
    init = next((s for s in found[1].body if isinstance(s, FUNCTION_NODES) and s.name == "__init__"), None) if found else None
    if init is None:
        # A record (a dataclass, an attrs class) keeps each argument as its field.
        named = class_named(module, call.func)
        if named is None:
            return None
        return named[1].stored_params.get(arg) if isinstance(arg, str) else named[1].stored_positions.get(arg)
    names = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    param = arg if isinstance(arg, str) else names[arg] if arg < len(names) else None
    for node in walk(init):
        if (
            isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == param
            and any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" for t in node.targets)
        ):
            return next(t.attr for t in node.targets if isinstance(t, ast.Attribute))
    return None


def _positions(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    return {a.arg: i for i, a in enumerate((*function.args.posonlyargs, *function.args.args))}


def _key(expr: ast.expr, params: dict[str, int], aliases: dict[str, Key]) -> Key | None:
    """``expr`` as steps from its root (a parameter by position, a local read back, a module
    name): ``entry.runtime_data`` of ``async_setup_entry(hass, entry)`` is ``@1 .runtime_data``;
    ``hass.data.setdefault(DOMAIN, {})[entry.entry_id]`` and ``hass.data[DOMAIN].pop(entry.entry_id)``
    are the same place. None for anything else (a call's result)."""
    if isinstance(expr, ast.Await):
        return _key(expr.value, params, aliases)
    if isinstance(expr, ast.Name):
        if expr.id in aliases:
            return aliases[expr.id]
        return (("@", str(params[expr.id])),) if expr.id in params else (("$", expr.id),)
    if isinstance(expr, ast.Attribute):
        base = _key(expr.value, params, aliases)
        return None if base is None else base + ((".", expr.attr),)
    if isinstance(expr, ast.Subscript):
        base, item = _key(expr.value, params, aliases), _item(expr.slice, params, aliases)
        return None if base is None or item is None else base + (("[]", item),)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _ITEM_READERS and expr.args:
        base, item = _key(expr.func.value, params, aliases), _item(expr.args[0], params, aliases)
        return None if base is None or item is None else base + (("[]", item),)
    return None


def _item(expr: ast.expr, params: dict[str, int], aliases: dict[str, Key]) -> str | None:
    if isinstance(expr, ast.Constant):
        return repr(expr.value)
    key = _key(expr, params, aliases)
    return None if key is None else repr(key)


def _after_yield(function: ast.AST) -> int | None:
    """The line of the first ``yield`` of ``function`` (its own, not a nested function's): what
    follows runs at the end of the life it hands out."""
    lines = [n.lineno for n in walk(function) if isinstance(n, (ast.Yield, ast.YieldFrom))]
    return min(lines) if lines else None


def _ends_of_life(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions of the module the framework calls at the end of what ``function`` keeps for;
    for a method, the release methods of its own class (``stop()``, ``close()``, ``__aexit__``),
    which end what the instance keeps on ``self`` (session 64: ``self._peers[node] = Peer(pc=pc)``
    in ``create_offer()``, ``for peer in list(self._peers.values()): await peer.pc.close()`` in
    ``stop()``)."""
    owner = module.parent(function)
    if isinstance(owner, ast.ClassDef):
        return [
            s for s in owner.body
            if isinstance(s, FUNCTION_NODES) and s is not function and is_release_name(s.name) and s.args.args
            and function.args.args and s.args.args[0].arg == function.args.args[0].arg
        ]
    if owner is not module.tree:
        return []
    top = [s for s in module.tree.body if isinstance(s, FUNCTION_NODES)]
    if function.name in _SETUPS:
        return [s for s in top if s.name in UNLOAD_FUNCTIONS]
    registered = {
        a.id for n in module.index.calls
        if isinstance(n.func, ast.Attribute) and n.func.attr == "append"
        and isinstance(n.func.value, ast.Attribute) and n.func.value.attr in _END_SIGNALS
        for a in n.args if isinstance(a, ast.Name)
    }
    started = any(
        isinstance(n.func, ast.Attribute) and n.func.attr == "append" and isinstance(n.func.value, ast.Attribute)
        and n.func.value.attr == "on_startup" and any(isinstance(a, ast.Name) and a.id == function.name for a in n.args)
        for n in module.index.calls
    )
    return [s for s in top if s.name in registered and s is not function] if started else []


def _released(module: ModuleInfo, function: ast.AST, params: dict[str, int], targets: set[Key], close: str, after: int, awaited: bool) -> Key | None:
    """The target ``function`` (after line ``after``) releases: a call of ``close`` or of a
    release-named method on it, reached inline or through a local bound to a read of it, or to
    each element of a collection it loops over (``for peer in self._peers.values()``: any item)."""
    aliases = _aliases(function, params)
    for node in walk(function):
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.lineno > after
            and (node.func.attr == close or is_release_name(node.func.attr))
            and (not awaited or _awaited(module, node))
            and (key := _key(node.func.value, params, aliases)) is not None
            and (found := _matching(key, targets)) is not None
        ):
            return found
    return None


def _awaited(module: ModuleInfo, call: ast.Call) -> bool:
    """``call`` is awaited: ``await p.close()``, or each of a comprehension's calls, or the call
    itself, handed to ``asyncio.gather``/``asyncio.wait`` (``await asyncio.gather(*[p.close() for p
    in peers])``), also through a local list the function gathers (``closes.append(p.close())``).
    A coroutine release called and never awaited (``[p.close() for p in peers]``) releases
    nothing."""
    node: ast.AST = call
    parent = module.parent(node)
    if isinstance(parent, ast.Await):
        return True
    if (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr in ("append", "add")
            and isinstance(parent.func.value, ast.Name) and node in parent.args):
        # ``close_aws.append(info.session.close())``, then ``await asyncio.gather(*close_aws)``.
        function = module.enclosing_function(parent)
        collected = parent.func.value.id
        return function is not None and any(
            isinstance(n, ast.Call) and _waits_on(n) and any(
                isinstance(a, ast.Name) and a.id == collected or isinstance(a, ast.Starred) and isinstance(a.value, ast.Name)
                and a.value.id == collected for a in n.args)
            for n in walk(function)
        )
    if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and parent.elt is node:
        node, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Starred):
        node, parent = parent, module.parent(parent)
    return isinstance(parent, ast.Call) and node in parent.args and _waits_on(parent)


def _waits_on(call: ast.Call) -> bool:
    """``call`` waits on the awaitables it is given: ``asyncio.gather(...)``, ``asyncio.wait(...)``."""
    func = call.func
    return (func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else "") in ("gather", "wait")


def _matching(key: Key, targets: set[Key]) -> Key | None:
    """The target ``key`` reads: itself, or one it reads as any item of its collection."""
    if key in targets:
        return key
    return next((
        target for target in targets
        if len(target) == len(key) and all(k == t or (k == ("[]", _ANY) and t[0] == "[]") for k, t in zip(key, target))
    ), None)


# The item of a collection a loop reads each of (``for peer in self._peers.values()``).
_ANY = "*"
# Calls that give the items of a collection unchanged, to loop over.
_ITEMS = ("values", "copy")
_COPIES = ("list", "tuple", "sorted")


def _each_item(expr: ast.expr) -> ast.expr | None:
    """The collection whose every item a ``for`` over ``expr`` reads: ``self._peers.values()``,
    ``list(self._peers.values())``, ``self._clients`` (a list's items), not a dict's keys."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _COPIES and len(expr.args) == 1:
        return _each_item(expr.args[0])
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _ITEMS and not expr.args:
        return _each_item(expr.func.value)
    return expr if isinstance(expr, (ast.Attribute, ast.Name)) else None


def _aliases(function: ast.AST, params: dict[str, int]) -> dict[str, Key]:
    """The locals of ``function`` bound to a read of a place under its parameters
    (``coordinator = entry.runtime_data``, ``domain_data = hass.data.setdefault(DOMAIN, {})``)."""
    aliases: dict[str, Key] = {}
    for node in walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            key = _key(node.value, params, aliases)
            if key is not None and node.targets[0].id not in aliases and key[0][0] == "@":
                aliases[node.targets[0].id] = key
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name) and (
            collection := _each_item(node.iter)
        ) is not None:  # (also a comprehension's: ``gather(*[p.close() for p in self._peers.values()])``)
            key = _key(collection, params, aliases)
            if key is not None and node.target.id not in aliases and key[0][0] == "@":
                aliases[node.target.id] = key + (("[]", _ANY),)
    return aliases
