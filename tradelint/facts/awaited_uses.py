"""Whether a resource held in a local is put to use by an awaited call reached through it: an
SDK's sub-client's request (``await client.chat.completions.create(...)``), a call an ``async
with`` enters or an ``async for`` iterates, directly or through the local its result is kept in
(``stream = client.messages.stream(...)``, then ``async with stream``, or ``await
stream.__aenter__()`` by hand), or an awaited method of what such a call makes (``ps =
redis.pubsub()``, then ``await ps.subscribe(ch)``); a request run without an ``await`` of its own,
handed to an awaited call or to what schedules it (:func:`runs`: ``await asyncio.gather(r.get(a),
r.get(b))``); or, in synchronous code, a method reached through it that a runner runs to its end
(:func:`run_through`)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import TASK_MAKERS
from tradelint.facts.uses import name_loads, self_attribute_loads, self_name


def awaited_through(module: ModuleInfo, node: ast.expr, depth: int = 0, views: bool = False) -> bool:
    """``await client.chat.completions.create(...)``: an awaited call of a method reached through
    ``node``'s attributes (an SDK's sub-clients share its connection), or one an ``async with``
    enters or an ``async for`` iterates (``async with client.messages.stream(...)``).

    With ``views`` (asked of a library's client, whose code the model does not follow as it
    follows a class of the project's), the object such a method returns is a view of ``node``'s
    connections too: an awaited method of it, on the spot or through the local it is kept in, is
    a use of ``node`` (``ps = redis.pubsub()``, then ``await ps.subscribe(ch)``, takes a
    connection of the client's pool), followed for two steps; and a request run without an
    ``await`` of its own (:func:`runs`: ``await asyncio.gather(r.get(a), r.get(b))``) is one."""
    parent = _reached_call(module, node)
    if parent is None:
        return False
    holder = module.parent(parent)
    deeper = views and depth < _VIEW_STEPS
    if isinstance(holder, ast.withitem) and holder.context_expr is parent:
        return isinstance(module.parent(holder), ast.AsyncWith)
    if isinstance(holder, ast.Assign) and holder.value is parent and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name):
        # ``stream = client.messages.stream(...)`` then ``async with stream``: the call's result,
        # kept in a local, is entered, iterated or awaited later in the same function.
        function = module.enclosing_function(holder)
        return function is not None and any(
            _awaited_itself(module, load) or (views and runs(module, load)) or (deeper and awaited_through(module, load, depth + 1, views))
            for load in name_loads(function, holder.targets[0].id)
        )
    return (
        (isinstance(holder, ast.AsyncFor) and holder.iter is parent) or (isinstance(holder, ast.Await) or (views and runs(module, parent)))
        or _entered_by_hand(module, parent)
        or (deeper and awaited_through(module, parent, depth + 1, views))  # ``await client.pubsub().subscribe(ch)``
    )


# What schedules the awaitable it is given to run whether or not its result is awaited.
_SCHEDULERS = TASK_MAKERS | {"gather", "async_create_task", "create_background_task", "async_create_background_task",
                             "run_coroutine_threadsafe"}


def runs(module: ModuleInfo, expr: ast.expr, depth: int = 0) -> bool:
    """Whether the awaitable ``expr`` evaluates to (``client.get(url)``) is run: awaited, or handed
    to a call that is awaited (``await asyncio.wait_for(client.get(url), 5)``, ``await
    asyncio.gather(r.get(a), r.get(b))``) or that schedules it (``asyncio.create_task(...)``),
    directly, unpacked, or in a list, a tuple, a comprehension or a local that is so handed on
    (``coros = [r.get(k) for k in keys]``, then ``await asyncio.gather(*coros)``)."""
    if depth > 4:
        return False
    parent = module.parent(expr)
    if isinstance(parent, ast.Await):
        return True
    given: ast.AST = expr
    if isinstance(parent, (ast.keyword, ast.Starred)):
        given, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Call) and parent.func is not given:
        func = parent.func
        named = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        return named in _SCHEDULERS or runs(module, parent, depth + 1)
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set)) or (isinstance(parent, (ast.ListComp, ast.GeneratorExp, ast.SetComp)) and parent.elt is given):
        return runs(module, parent, depth + 1)
    if isinstance(parent, ast.Assign) and parent.value is given and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        function = module.enclosing_function(parent)
        return function is not None and any(runs(module, load, depth + 1) for load in name_loads(function, parent.targets[0].id))
    return False


# How many made objects down a use is followed (``client.get_database(n).get_collection(c)``, then
# an awaited method of that).
_VIEW_STEPS = 2


def _reached_call(module: ModuleInfo, node: ast.expr) -> ast.Call | None:
    """The call of a method reached through ``node``'s attributes (``node.a.b.m(...)``), or None."""
    parent = module.parent(node)
    while isinstance(parent, ast.Attribute) and parent.value is node:
        node, parent = parent, module.parent(parent)
    return parent if isinstance(parent, ast.Call) and parent.func is node and isinstance(node, ast.Attribute) else None


def _awaited_itself(module: ModuleInfo, node: ast.expr) -> bool:
    """``await node``, ``async with node``, ``async for ... in node`` or ``await
    node.__aenter__()``."""
    parent = module.parent(node)
    if isinstance(parent, ast.withitem) and parent.context_expr is node:
        return isinstance(module.parent(parent), ast.AsyncWith)
    return isinstance(parent, ast.Await) or (isinstance(parent, ast.AsyncFor) and parent.iter is node) or _entered_by_hand(module, node)


# Runners that run a coroutine to its end and return its result, as ``await`` does in a coroutine:
# given the coroutine (``asyncio.run(client.get_me())``, ``loop.run_until_complete(...)``, by its
# method's name on any loop) or given the coroutine function, called with its arguments
# (``async_to_sync(bot.get_me)()``, ``anyio.run(client.fetch, url)``).
CORO_RUNNERS = frozenset({"asyncio.run", "asyncio.runners.run"})
LOOP_RUNNERS = frozenset({"run_until_complete"})
FUNCTION_RUNNERS = frozenset({"asgiref.sync.async_to_sync", "anyio.run", "anyio.from_thread.run", "trio.run"})


def run_through(module: ModuleInfo, node: ast.expr) -> bool:
    """Whether synchronous code runs a method reached through ``node`` to its end:
    ``asyncio.run(client.fetch())``, ``loop.run_until_complete(client.fetch())``,
    ``async_to_sync(bot.get_me)()`` or ``anyio.run(client.fetch)``: the method runs on a loop as
    an awaited call does, and may open what the object holds (a client that connects on first use)."""
    parent = module.parent(node)
    while isinstance(parent, ast.Attribute) and parent.value is node:
        node, parent = parent, module.parent(parent)
    if not isinstance(node, ast.Attribute):
        return False
    if isinstance(parent, ast.Call) and parent.func is node:  # ``client.fetch()``, given to a runner
        runner = module.parent(parent)
        return (
            isinstance(runner, ast.Call) and runner.args[:1] == [parent]
            and ((isinstance(runner.func, ast.Attribute) and runner.func.attr in LOOP_RUNNERS) or module.imports.qualify(runner.func) in CORO_RUNNERS)
        )
    if isinstance(parent, ast.Call) and parent.args[:1] == [node] and module.imports.qualify(parent.func) in FUNCTION_RUNNERS:
        converted = module.parent(parent)  # ``async_to_sync(bot.get_me)()`` calls what it converts
        return module.imports.qualify(parent.func) != "asgiref.sync.async_to_sync" or (isinstance(converted, ast.Call) and converted.func is parent)
    return False


def result_put_to_use(module: ModuleInfo, node: ast.expr, handed: bool) -> bool:
    """Whether the result of a method called through ``node``'s attributes, not awaited where it
    is made, is put to use later: entered by hand (``await ctx.__aenter__()``, also through
    ``asyncio.wait_for``), or kept in a local or an attribute of ``self`` that is then entered,
    iterated, awaited or entered by hand (``self._ctx = client.listen.connect(...)``, then
    ``await asyncio.wait_for(self._ctx.__aenter__(), 10)`` in a method of the class). With
    ``handed``, a result that a coroutine function hands on counts too: returned, yielded or given
    to a call (``stream = client.tts.stream(...)``; ``return Audio.from_response(stream)``), as
    whoever gets a stream or a coroutine runs it."""
    parent = _reached_call(module, node)
    if parent is None:
        return False
    function = module.enclosing_function(parent)
    handed = handed and isinstance(function, ast.AsyncFunctionDef)
    if _entered_by_hand(module, parent) or (handed and _handed_on(module, parent)):
        return True
    holder = module.parent(parent)
    if not (isinstance(holder, ast.Assign) and holder.value is parent and len(holder.targets) == 1):
        return False
    target = holder.targets[0]
    loads: list[ast.expr] = []
    if isinstance(target, ast.Name) and function is not None:
        loads = list(name_loads(function, target.id))
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and function is not None and target.value.id == self_name(function):
        cls = module.enclosing_class(holder)
        loads = list(self_attribute_loads(cls, target.attr)) if cls is not None else []
    return any(
        _awaited_itself(module, load) or (handed and isinstance(module.enclosing_function(load), ast.AsyncFunctionDef) and _handed_on(module, load))
        for load in loads
    )


def _entered_by_hand(module: ModuleInfo, node: ast.expr) -> bool:
    """``await node.__aenter__()``, or that call awaited through another (``await
    asyncio.wait_for(node.__aenter__(), 10)``): a context manager entered as ``async with``
    enters it."""
    attribute = module.parent(node)
    call = module.parent(attribute) if isinstance(attribute, ast.Attribute) and attribute.attr == "__aenter__" else None
    if not (isinstance(call, ast.Call) and call.func is attribute):
        return False
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, ast.Await):
            return True
        if isinstance(ancestor, (ast.stmt, ast.Lambda)):
            return False
    return False


def _handed_on(module: ModuleInfo, node: ast.expr) -> bool:
    """``return node``, ``yield node``, or ``node`` given to a call (positionally, by keyword or
    starred)."""
    given: ast.AST = node
    parent = module.parent(node)
    if isinstance(parent, ast.Starred) and parent.value is node:
        given, parent = parent, module.parent(parent)
    if isinstance(parent, ast.keyword):
        given, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Call):
        return parent.func is not given
    return isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)) and parent.value is given
