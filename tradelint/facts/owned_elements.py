"""Owned things kept as elements of a collection: ``self._tasks.append(create_task(...))``,
``self._sessions[key] = ClientSession()``, a module's ``_TASKS`` list.

The collection owns its elements, so whoever owns the collection must end them: cancel or close
each (``for t in self._tasks: t.cancel()``), gather or wait on them, or hand the collection on.
This module judges one load of the collection: does that use reach the elements to end them, or
only add to it, look at it, or lend one element out (``return self._sessions[key]``)? Anything it
cannot read is taken as ending them, so that a finding means no code reaches the elements.
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Mapping
from typing import Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ending_methods import ends_something, named_end
from tradelint.facts.release_names import is_release_name
from tradelint.facts.syntax import walk
from tradelint.facts.uses import (
    alias_target,
    bound_once,
    classify,
    declares_outer,
    endless_loop,
    methods_reached,
    name_loads,
    self_name,
    sequential,
)

# Methods that put one element in, given as their only argument.
ONE_ELEMENT_ADDERS = frozenset({"append", "appendleft", "add"})
# Methods that put an element in, or look without taking one out.
ADDERS = {"append", "appendleft", "add", "extend", "insert", "setdefault", "update", "keys", "__contains__", "count", "index"}
# Methods that drop every element without ending any.
DROPPERS = {"clear"}
# What ends one element: cancel a task, close a resource.
ENDERS = {"cancel", "result", "exception"}

CollectionKind = str  # "list", "set" or "dict"


def adds_element(module: ModuleInfo, collection: ast.expr, value: ast.expr) -> bool:
    """``collection.append(value)`` / ``.add(value)`` / ``collection[key] = value``."""
    parent = module.parent(value)
    if isinstance(parent, ast.Call) and value in parent.args:
        func = parent.func
        return isinstance(func, ast.Attribute) and func.value is collection and func.attr in ONE_ELEMENT_ADDERS
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0]
        return isinstance(target, ast.Subscript) and outer_collection(target.value) is collection
    return False


def added_to(module: ModuleInfo, value: ast.expr) -> ast.expr | None:
    """The collection ``value`` is added to, when it is (see :func:`adds_element`)."""
    parent = module.parent(value)
    if isinstance(parent, ast.Call) and value in parent.args and isinstance(parent.func, ast.Attribute):
        if parent.func.attr in ONE_ELEMENT_ADDERS and len(parent.args) == 1:
            return parent.func.value
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.ctx, ast.Store):
            return outer_collection(target.value)
    return None


def built_with(module: ModuleInfo, value: ast.expr) -> ast.expr | None:
    """The collection a comprehension builds of ``value`` (its element, or a dict's value) is kept
    in: ``self.proxies = {key: make(p) for key, p in items}`` keeps each element it makes in
    ``self.proxies``, as a loop doing ``self.proxies[key] = make(p)`` would. The one target of
    the statement the comprehension is the value of, a name or an attribute; None otherwise."""
    parent = module.parent(value)
    if not (
        (isinstance(parent, (ast.ListComp, ast.SetComp)) and parent.elt is value)
        or (isinstance(parent, ast.DictComp) and parent.value is value)
    ):
        return None
    stmt = module.parent(parent)
    if isinstance(stmt, ast.Assign) and stmt.value is parent and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is parent:
        target = stmt.target
    else:
        return None
    return target if isinstance(target, (ast.Name, ast.Attribute)) else None


def outer_collection(collection: ast.expr) -> ast.expr:
    """The collection that holds ``collection`` when that is itself one of its elements (a map of
    maps: ``self._streams[conn][stream] = task``, ``self._by_room.setdefault(room, {})[user] =
    client``): its elements' elements are owned by it as its elements are, and ended only
    through it."""
    while True:
        if isinstance(collection, ast.Subscript) and isinstance(collection.ctx, ast.Load):
            collection = collection.value
        elif (
            isinstance(collection, ast.Call)
            and isinstance(collection.func, ast.Attribute)
            and collection.func.attr == "setdefault"
            and len(collection.args) == 2
        ):
            collection = collection.func.value
        else:
            return collection



def self_collection_added(module: ModuleInfo, value: ast.expr, receiver: str | None) -> str | None:
    """The attribute of the collection on ``self`` (named ``receiver`` in the method) that
    ``value`` is added to: ``self._clients[key] = value``, ``self._pool.append(value)``."""
    collection = added_to(module, value)
    if (
        receiver is not None
        and isinstance(collection, ast.Attribute)
        and isinstance(collection.value, ast.Name)
        and collection.value.id == receiver
    ):
        return collection.attr
    return None


def element_sources(method: ast.AST, *, items: bool) -> Iterator[tuple[str, ast.expr]]:
    """(name, collection) for each local of ``method`` bound to an element of a collection: the
    target of a loop or comprehension over it (or its ``values()``) and, with ``items``, a name
    assigned one of its items or what its ``pop(k)``/``get(k)`` return. The collection is given
    as written (``self._clients``), for the caller to match."""
    for node in walk(method):
        value: ast.expr
        target: ast.expr
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            value, target = node.iter, node.target
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "values":
                value = value.func.value
        elif items and isinstance(node, ast.Assign) and len(node.targets) == 1:
            value, target = node.value, node.targets[0]
            if isinstance(value, ast.Subscript):
                value = value.value
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("pop", "get"):
                value = value.func.value
            else:
                continue
        else:
            continue
        if isinstance(target, ast.Name):
            yield target.id, value

def made_in_family(family: list[tuple[ModuleInfo, ast.ClassDef]], attr: str) -> bool:
    """Whether a class of ``family`` (read here) makes the collection: ``self._tasks = []``. One
    made by a base that cannot be resolved (hummingbot's nested test base classes) is that base's
    to end, in a teardown not read here."""
    for _, cls in family:
        for node in ast.walk(cls):
            if (
                isinstance(node, (ast.Assign, ast.AnnAssign))
                and node.value is not None
                and any(
                    isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name)
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                )
            ):
                return True
    return False


def made_as_field(family: list[tuple[ModuleInfo, ast.ClassDef]], attr: str) -> bool:
    """Whether a class of ``family`` declares ``attr`` as a field that makes a new value for each
    instance: ``sessions: dict = field(default_factory=dict)``, attrs' ``attr.ib(factory=dict)``
    or ``attr.ib(default=attr.Factory(dict))``, pydantic's ``Field(default_factory=dict)``."""
    for _, cls in family:
        for stmt in cls.body:
            target = stmt.target if isinstance(stmt, ast.AnnAssign) else stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
            value = getattr(stmt, "value", None)
            if not (isinstance(target, ast.Name) and target.id == attr and isinstance(value, ast.Call)):
                continue
            for keyword in value.keywords:
                factory = keyword.value
                if keyword.arg in ("default_factory", "factory") or keyword.arg == "default" and isinstance(factory, ast.Call) and (
                    isinstance(factory.func, ast.Attribute) and factory.func.attr == "Factory"
                    or isinstance(factory.func, ast.Name) and factory.func.id == "Factory"
                ):
                    return True
    return False


def ends_elements(module: ModuleInfo, load: ast.expr) -> bool:
    """Whether this use of the collection can end (or hand on) its elements."""
    if _prunes_when_done(module, load):
        return False
    use = classify(module, load)
    if use.kind == "method":
        if use.name in ADDERS or use.name in DROPPERS:
            return False
        if use.name in ("get", "pop"):
            # ``self._sessions.get(key)`` lends one out when returned; anything else is followed
            # no further.
            assert use.call is not None
            key = use.call.args[0] if use.call.args else None
            return _element_ended(module, use.call) and not (key is not None and _restarts_at(module, load, key))
        return True  # ``values()``, ``items()``, ``copy()``, ``discard``, ``remove``...
    if use.kind == "test":
        return False
    if use.kind == "other":
        parent = module.parent(load)
        if isinstance(parent, ast.Subscript) and parent.value is load:
            if isinstance(parent.ctx, (ast.Store, ast.Del)):
                return False
            return _element_ended(module, parent) and not _restarts_at(module, load, parent.slice)
        return True
    return True



def _restarts_at(module: ModuleInfo, load: ast.expr, key: ast.expr) -> bool:
    """The element at ``key`` is ended (``self._tasks[key].cancel()``, or got or popped there and
    cancelled) and then, on the same path of the same function, a new value is stored at the
    same key of the same collection: the end makes way for the next task there and leaves the
    last one to some other end (fdebrus/Nikobus-HA ``e847601a``: a refresh per module, each
    press cancelling the one before). ``self.t.cancel(); self.t = create_task(...)`` for a
    collection's element."""
    function = module.enclosing_function(load)
    ended = next((a for a in module.ancestors(load) if isinstance(a, ast.stmt)), None)
    if function is None or ended is None:
        return False
    collection, wanted = ast.dump(load), ast.dump(key)
    for node in walk(function):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript)):
            continue
        target = node.targets[0]
        if (
            ast.dump(target.value) == collection
            and ast.dump(target.slice) == wanted
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
            and node.lineno > (ended.end_lineno or ended.lineno)
            and module.enclosing_function(node) is function
            and sequential(module, ended, node)
        ):
            return True
    return False


def _prunes_when_done(module: ModuleInfo, load: ast.expr) -> bool:
    """``task.add_done_callback(self._tasks.discard)``: the collection drops each task once it
    has finished; a running one it neither ends nor hands on (asyncio's documented way to keep
    background tasks alive, which leaves ending them at shutdown to the owner). It is no end of a
    task that never finishes by itself: one running a method of the object (or one that method
    calls on ``self``) that loops until cancelled. In an object with no end of its own, nor of
    one that waits on a timer (``await asyncio.sleep(delay)``: a retry's backoff, a delayed
    action), still pending when the program's loop closes: nothing ever ends either."""
    remover = module.parent(load)
    if not (isinstance(remover, ast.Attribute) and remover.value is load and remover.attr in ("discard", "remove")):
        return False
    call = module.parent(remover)
    if not (
        isinstance(call, ast.Call)
        and any(arg is remover for arg in call.args)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "add_done_callback"
    ):
        return False
    # Otherwise the set is how fire-and-forget work that ends by itself (a notification
    # handler) is kept alive.
    function = module.enclosing_function(load)
    cls = module.parent(function) if function is not None else None
    if function is None or not isinstance(cls, ast.ClassDef):
        return False
    methods = {m.name: m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
    task = call.func.value
    if isinstance(task, ast.Name):
        task = bound_once(function, task.id) or task
    coroutine = task.args[0] if isinstance(task, ast.Call) and task.args else None
    receiver = self_name(function)
    if not (
        isinstance(coroutine, ast.Call)
        and isinstance(coroutine.func, ast.Attribute)
        and isinstance(coroutine.func.value, ast.Name)
        and coroutine.func.value.id == receiver
    ):
        return False
    method = methods.get(coroutine.func.attr)
    if method is None:
        return False
    ran = [method, *(methods[name] for name in methods_reached(methods, [method.name], calls_only=True) if name in methods)]
    nodes = [node for m in ran for node in walk(m)]
    if any(endless_loop(node) for node in nodes):
        return True
    return not has_an_end_of_its_own(methods) and any(_sleeps(node) for node in nodes)


def _sleeps(node: ast.AST) -> bool:
    """``await asyncio.sleep(delay)`` (any awaited ``sleep``) with a delay that is no literal
    zero: a timer."""
    if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
        return False
    func, args = node.value.func, node.value.args
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name == "sleep" and not (args and isinstance(args[0], ast.Constant) and args[0].value == 0)


# Ends a framework gives an object, beyond the release names: a discord cog's unload, a Home
# Assistant entity's removal.
_FRAMEWORK_ENDS = frozenset({"cog_unload", "async_will_remove_from_hass"})


def has_an_end_of_its_own(methods: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> bool:
    """Whether a class with these methods has an end of its own: a framework's end (a cog's
    unload, an entity's removal), a release word alone (``close()``, ``stop()``), or a
    release-named method that ends something the object holds (``stop_polling()`` cancelling
    its task; not ``cleanup_invalid_descriptions_in_db()``: :mod:`.ending_methods`)."""
    return any(
        name in _FRAMEWORK_ENDS or (is_release_name(name) and (named_end(name) or ends_something(method, methods)))
        for name, method in methods.items()
    )

# What only a collection held as an element (a map of maps) answers: it reaches the elements'
# elements, followed no further.
# (Not ``get`` nor ``pop``: a session's ``get(url)`` is a request.)
INNER_COLLECTION = {"values", "items"}


def _element_ended(module: ModuleInfo, element: ast.expr, *, follow: bool = True) -> bool:
    parent = module.parent(element)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is element:
        return True  # ``for task in self._streams[conn]``: an inner collection's elements, followed no further
    use = classify(module, element)
    if use.kind == "method":
        return use.name in ENDERS or is_release_name(use.name) or use.name in INNER_COLLECTION
    if use.kind in ("return", "test", "other", "attribute"):
        return False
    if use.kind == "alias" and follow:
        # ``client = _CLIENTS.get(key)``: what the function does with the local (a getter looks
        # at it, puts a new one back and returns it; a closer closes it).
        name = alias_target(module, use)
        function = module.enclosing_function(element)
        if name is not None and function is not None and not declares_outer(function, name):
            # ``(client := ...)`` is used itself too, as its own value (``await (c := ...)``).
            walrus = module.parent(element)
            own = [walrus] if isinstance(walrus, ast.NamedExpr) else []
            return any(
                added_to(module, load) is None and _element_ended(module, load, follow=False)
                for load in (*name_loads(function, name), *own)
            )
    return True  # awaited, handed to a call, aliased further: followed no further


# Containers that hold their elements weakly: a task kept only there can be collected mid-run.
# ``WeakKeyDictionary`` holds its values strongly, so only as a key would a task be weak there.
WEAK_CONTAINERS = {"weakref.WeakSet": "add", "weakref.WeakValueDictionary": "store"}


_ASSIGNED: weakref.WeakKeyDictionary[ast.AST, dict[tuple[bool, str], list[ast.expr]]] = weakref.WeakKeyDictionary()
_ASSIGNED_AT_TOP: weakref.WeakKeyDictionary[ast.AST, dict[tuple[bool, str], list[ast.expr]]] = weakref.WeakKeyDictionary()


def _assigned_values(scope: ast.AST, *, top_level: bool = False) -> dict[tuple[bool, str], list[ast.expr]]:
    """The values assigned anywhere in ``scope`` (nested scopes included, in ``ast.walk``'s
    order; with ``top_level``, in the module's own statements only), by target: ``(True, attr)``
    for ``name.attr = value``, ``(False, name)`` for ``name = value``. One walk per scope, kept
    while its tree lives: asked once per task it makes."""
    memo = _ASSIGNED_AT_TOP if top_level else _ASSIGNED
    found = memo.get(scope)
    if found is None:
        found = {}
        nodes = getattr(scope, "body", []) if top_level else ast.walk(scope)
        for node in nodes:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            keys: list[tuple[bool, str]] = []
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name):
                    keys.append((True, t.attr))
                elif isinstance(t, ast.Name):
                    keys.append((False, t.id))
            for key in dict.fromkeys(keys):  # once per statement, as ``any`` over its targets
                found.setdefault(key, []).append(node.value)
        memo[scope] = found
    return found


def weak_container(module: ModuleInfo, collection: ast.expr, value: ast.expr) -> str | None:
    """The weak container ``value`` is added to (``self._tasks.add(value)`` where every
    assignment of ``self._tasks`` in its class is a ``weakref.WeakSet()``; ``refs[k] = value``
    for a ``WeakValueDictionary``), spelled as in the code; None when not proven weak."""
    parent = module.parent(value)
    how = "store" if isinstance(parent, ast.Assign) else "add"
    scope: ast.AST | None
    if isinstance(collection, ast.Attribute) and isinstance(collection.value, ast.Name):
        function = module.enclosing_function(value)
        scope = module.parent(function) if function is not None else None
        if not isinstance(scope, ast.ClassDef) or function is None or self_name(function) != collection.value.id:
            return None
        name = collection.attr
        targets = _assigned_values(scope).get((True, name), [])
    elif isinstance(collection, ast.Name):
        name = collection.id
        scope = module.enclosing_function(value) or module.tree
        targets = _assigned_values(scope).get((False, name), [])
        if not targets and scope is not module.tree:
            targets = _assigned_values(module.tree, top_level=True).get((False, name), [])
    else:
        return None
    if not targets or not all(
        isinstance(t, ast.Call) and WEAK_CONTAINERS.get(module.qualify(t.func) or "") == how for t in targets
    ):
        return None
    return ast.unparse(collection)
