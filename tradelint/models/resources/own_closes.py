"""A value a function closes itself, left open on its other paths (issue 28 points 1 and 5).

``await page.close()`` in a function that made ``page`` from a call is the function's own word
that it owns the value and that the value must be closed, whatever its type: no table, no
library source and no class of the project need say so (``page_info = await self._get_page()``,
``client = await make_client()``, a maker of a library object nothing types). What it says on one
path must then hold on the others. Two exits leave the value open:

- a ``return`` or ``raise`` after the value is made, on a path that has not closed it
  (``if resp.status != 200: return None`` above the close);
- an ``except`` of a ``try`` whose body closes it, that neither closes it nor lets a later close
  run (it raises or returns, or nothing after the ``try`` closes it): every error before the close
  leaves it open (D4Vinci/Scrapling ``d5b9ed11``, round 10's development half);
- an ``await`` between the value and its close, outside any ``try`` that closes it or goes on,
  where the program goes on after the function fails (a handler, a service's method; not a test
  nor a script's ``main()``, nor a generator's start-up before its first ``yield``): its error
  skips the close (Drakkar-Software/OctoBot's web interface, ``MetaDatabase(...)`` closed after
  an awaited clear). Only for a value made by a class or a function of its own, not by a method
  of another object the function holds (``cur = await conn.execute(...)``: a part of what
  ``conn`` owns).

Proven, not guessed, and kept narrow where a guess would be needed: only a local bound once, in
the function's own frame, from a call; only releases that are awaited and end the whole value (``close()``, ``aclose()``,
``disconnect()``, ``stop()``, ``shutdown()``..., given nothing: ha-openwrt's ``SshClient``
disconnected on success only, its handler going on with it open; for a release other than
``close()``/``aclose()``, only a value the function makes by calling its class, not what a getter
gives, ``player = get_player(guild)`` then ``await player.stop()``, and only at an explicit exit,
not for an ``await`` that may fail before it);
never where a ``finally`` closes it, where the value is handed on (returned, yielded, stored,
aliased, entered) or where the exit is guarded by a test of the value itself (``if client is
None: return``); not where the handler or the exit's branch calls any release (``await
self.reset()``) or gives the value to a call, which may close it. A value of a type the resource
table knows is judged by its creation, not here."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors
from tradelint.facts.handlers import catches_cancellation, stopped_before
from tradelint.facts.unfailing_calls import only_cancelled
from tradelint.facts.syntax import capword, statement_block
from tradelint.models.resources.memory_releases import frees_memory_only
from tradelint.models.resources.own_start import first_use_started_clean
from tradelint.models.resources.statements import _own_walk

# The awaited methods that end the whole value (``project_evidence``'s and TRD205's reading of a
# release): ``await client.disconnect()`` of a client the function made says as much as ``close()``.
RELEASES = re.compile(r"^(async_)?(a?close|stop|shutdown|disconnect|cleanup|tear_?down|terminate)$")
# The closes proper, the only ones whose value an error of an ``await`` before them is judged for:
# the explicit exits are what the code shows; an error there is what any call may do.
_CLOSES = frozenset({"close", "aclose"})
# Any call that may end the value or everything its owner holds (``await self.reset()``).
_RELEASE_CALL = re.compile(r"^_*(async_)?(a?close|stop|shutdown|disconnect|cleanup|clean_up|tear_?down|terminate|release|reset|dispose|destroy)")
_EXITS = (ast.Return, ast.Raise)
# Python's own ways of reading an item a container keeps.
_STORE_READS = frozenset({"get", "pop", "setdefault", "popitem", "popleft"})
# Python's own ways of keeping a value in a container or an exit stack, and of entering it.
_KEEPERS = frozenset({
    "append", "appendleft", "add", "insert", "extend", "put", "put_nowait", "setdefault", "update",
    "enter_async_context", "enter_context", "aclosing", "closing", "push_async_callback", "callback", "push_async_exit",
})


@dataclass(frozen=True)
class OpenExit:
    """``binding`` made ``closed``'s value; ``exit`` (a ``return``, a ``raise`` or an ``except``)
    leaves the function with it open."""

    binding: ast.Assign
    closed: str
    label: str
    exit: ast.stmt | ast.ExceptHandler


def open_exits(module: ModuleInfo, skip: frozenset[int]) -> list[OpenExit]:
    """Every value of ``module`` closed by its own function on some paths only, at most one exit
    each; ``skip`` holds the ids of bindings judged elsewhere (a known resource's creation)."""
    groups: dict[tuple[ast.AsyncFunctionDef, str], list[ast.Call]] = {}
    for call in module.index.calls:
        func = call.func
        if not isinstance(func, ast.Attribute) or not RELEASES.match(func.attr):
            continue
        if module.parent(call).__class__ is not ast.Await or call.args:
            continue  # (``await ticket.close(user, reason=...)``: an operation on it, not a release)
        root = func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            continue
        function = module.enclosing_function(call)
        if isinstance(function, ast.AsyncFunctionDef):
            groups.setdefault((function, root.id), []).append(call)
    found: list[OpenExit] = []
    for (function, name), closes in groups.items():
        closed = min((ast.unparse(c.func.value) for c in closes), key=len)  # type: ignore[attr-defined]
        binding = _only_binding(module, function, name)
        if binding is None or id(binding) in skip or _reads_a_store(module, binding.value):
            continue  # (``coordinator = hass.data[DOMAIN].get("coordinator")``: made elsewhere, kept there)
        if not any(close.func.attr in _CLOSES for close in closes) and not _constructed(binding):  # type: ignore[attr-defined]
            continue  # (``player = get_player(id)`` then ``await player.stop()``: a command on a shared one)
        value = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
        if all(isinstance(close.func.value, ast.Name) and frees_memory_only(module, value.func, close.func.attr) for close in closes):  # type: ignore[attr-defined]
            continue  # (``registry.close()`` clearing a cache: nothing is left open without it)
        exit_ = _open_exit(module, function, binding, name, closed, closes)
        if exit_ is not None:
            found.append(OpenExit(binding, closed, ast.unparse(value.func), exit_))  # type: ignore[attr-defined]
    found.sort(key=lambda o: (o.binding.lineno, o.binding.col_offset))
    return found


def _reads_a_store(module: ModuleInfo, value: ast.expr) -> bool:
    """``value`` reads back an object a store keeps: a container's own read of an item
    (``store.get(key)``, ``store.pop(key)``, ``setdefault``, ``popitem``, ``popleft``: plain
    calls, Python's mappings and sequences never awaited) or ``getattr(holder, name)``. The
    function makes nothing there: the object was made, and kept, by the code that stored it
    (fdebrus/hayward-ha's ``async_unload_entry`` closing what its setup kept in ``hass.data``)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute):
        return func.attr in _STORE_READS
    return isinstance(func, ast.Name) and func.id == "getattr" and module.imports.qualify(func) is None


def _constructed(binding: ast.Assign) -> bool:
    """The value is an instance the function makes itself, by calling its class (``SshClient(...)``,
    ``api.Client(...)``): only then does a ``stop()`` or ``disconnect()`` of it say the function
    owns it. What a function or a method gives (``lavalink.get_player(guild)``) may be a shared
    object, and stopping it a command on it."""
    value = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
    func = value.func if isinstance(value, ast.Call) else None
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return capword(name) and not name.isupper()


def _only_binding(module: ModuleInfo, function: ast.AsyncFunctionDef, name: str) -> ast.Assign | None:
    """The one statement ``name = [await] call(...)`` of ``function``'s frame, when nothing else
    binds ``name`` there (no parameter, no second store, no ``global``)."""
    arguments = function.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg) if a):
        return None
    binding: ast.AST | None = None
    for node in _own_walk(function):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if binding is not None:
                return None
            binding = module.parent(node)
            if not (isinstance(binding, ast.Assign) and binding.targets == [node]):
                return None
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
    if not isinstance(binding, ast.Assign):
        return None
    value = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
    return binding if isinstance(value, ast.Call) else None


def _open_exit(
    module: ModuleInfo, function: ast.AsyncFunctionDef, binding: ast.Assign, name: str, closed: str, closes: list[ast.Call]
) -> ast.stmt | ast.ExceptHandler | None:
    """The first exit of ``function`` after ``binding`` that leaves ``closed`` open, if no use of
    the value hands it on and no ``finally`` closes it."""
    block = statement_block(module.parent(binding), binding)
    if block is None:
        return None
    if any(_in_finally(module, close, function) for close in closes):
        return None
    if all(_in_handler(module, close, function) for close in closes):
        return None  # closed on errors only: on success it is kept or handed on (``await paginator.run()``)
    prefixes = _prefixes(closed)
    if _handed_on(module, function, name, prefixes):
        return None
    close_ids = {id(close) for close in closes}
    after = _after(block, binding)
    candidates: list[ast.stmt | ast.ExceptHandler] = []
    for node in _own_walk(function):
        if isinstance(node, _EXITS) and node.lineno > binding.lineno:
            candidates.append(node)
        elif isinstance(node, ast.Try) and node.lineno > binding.lineno and any(id(n) in close_ids for s in node.body for n in _own_walk(s)):
            # A handler of the ``try`` whose body closes it, going on with it open.
            candidates.extend(h for h in node.handlers if not any(isinstance(n, _EXITS) for n in _own_walk(h)))
    for exit_ in sorted(candidates, key=lambda n: (n.lineno, n.col_offset)):
        if _leaves_open(module, function, exit_, block, after, name, prefixes, close_ids):
            return exit_
    if not _stands_alone(function, binding) or not all(close.func.attr in _CLOSES for close in closes):  # type: ignore[attr-defined]
        return None  # (an error of an ``await`` before a ``disconnect()``, ``stop()``...: not judged)
    return _failing_await(module, function, block, after, name, prefixes, close_ids, binding)


def _stands_alone(function: ast.AsyncFunctionDef, binding: ast.Assign) -> bool:
    """The value is made by a class or a function of its own (``MetaDatabase(...)``,
    ``Client.create(...)``, ``connect(...)``), not by a method of another object the function
    holds (``conn.execute(...)``, ``sql.cursor()``: a part of what that object owns, which its
    own close ends): only such a value's error path is judged without an explicit exit."""
    value = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
    func = value.func  # type: ignore[attr-defined]
    if isinstance(func, ast.Name):
        return True
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id in ("self", "cls"):
        return False
    arguments = function.args
    if any(a.arg == root.id for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return False
    # A module or a class (``aiomysql.connect``, ``Client.create``), not a local bound in the function.
    return not any(isinstance(n, ast.Name) and n.id == root.id and isinstance(n.ctx, ast.Store) for n in _own_walk(function))


def _failing_await(
    module: ModuleInfo, function: ast.AsyncFunctionDef, block: list[ast.stmt], after: int, name: str, prefixes: frozenset[str],
    close_ids: set[int], binding: ast.Assign,
) -> ast.stmt | None:
    """The first ``await`` between the value and its close, in the binding's block, whose error
    skips the close (no ``try`` around it closes or gives the value), where the program goes on
    after the function fails (not a test nor a script's ``main()``). Not the value's own start,
    its first use, when that start fails holding nothing (:func:`.own_start.first_use_started_clean`:
    ``client = Client(session=shared); await client.connect()``, a login that keeps what it gets
    after its last ``await``: failing, it leaves nothing for the close to end)."""
    if not goes_on_after_errors(module, function):
        return None
    made = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
    # A generator's code before its first ``yield`` is a start-up (a lifespan's, a context
    # manager's): its failure is the caller's, which does not start (a server stops).
    yields = [n.lineno for n in _own_walk(function) if isinstance(n, (ast.Yield, ast.YieldFrom))]
    started = min(yields) if yields else 0
    for index in range(after, len(block)):
        stmt = block[index]
        if any(id(n) in close_ids for n in _own_walk(stmt)):
            return None
        if stmt.lineno < started:
            continue
        if isinstance(stmt, ast.Try) and (_closes_or_gives_list(stmt.finalbody, stmt, name, prefixes, close_ids) or any(
                _closes_or_gives(h, name, prefixes, close_ids) or not any(isinstance(n, _EXITS) for n in _own_walk(h)) for h in stmt.handlers)):
            continue  # a ``try`` that closes the value on its errors, or goes on after them
        for node in _own_walk(stmt):
            if isinstance(node, ast.Await) and not stopped_before(module, node, stmt) and not first_use_started_clean(
                    module, function, made, name, binding.end_lineno or binding.lineno, node):
                return stmt
    return None


def _prefixes(closed: str) -> frozenset[str]:
    """``page_info.page``: ``page_info`` and ``page_info.page``, the texts that hold the value."""
    parts = closed.split(".")
    return frozenset(".".join(parts[: i + 1]) for i in range(len(parts)))


def _after(block: list[ast.stmt], stmt: ast.stmt) -> int:
    return next(i for i, s in enumerate(block) if s is stmt) + 1


def _in_handler(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    for ancestor in module.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.ExceptHandler):
            return True
    return False


def _in_finally(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.finalbody):
            return True
        child = ancestor
    return False


def _handed_on(module: ModuleInfo, function: ast.AST, name: str, prefixes: frozenset[str]) -> bool:
    """The value (or what holds it) is returned, yielded, stored, aliased or entered: whoever gets
    it may close it. Given to a call it is lent: its methods' and functions' arguments; unless
    what the call makes is stored beyond the function or returned (``_result_kept``)."""
    for node in _own_walk(function):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        expr: ast.AST = node
        parent = module.parent(expr)
        while isinstance(parent, ast.Attribute) and ast.unparse(parent) in prefixes:
            expr, parent = parent, module.parent(parent)
        if isinstance(parent, ast.Attribute) or isinstance(parent, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.FormattedValue, ast.Subscript)):
            continue  # ``page.url``, ``page_info.page.goto``: a use; a test; a format
        if isinstance(parent, ast.Call) and parent.func is not expr and _lends(parent) and not _result_kept(module, parent):
            continue
        call = module.parent(parent) if isinstance(parent, ast.keyword) else None
        if isinstance(call, ast.Call) and _lends(call) and not _result_kept(module, call):
            continue
        if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and getattr(parent, "test", None) is expr:
            continue
        if isinstance(parent, ast.Expr):
            continue
        return True
    return False


def _result_kept(module: ModuleInfo, call: ast.Call) -> bool:
    """What ``call`` makes of the value outlives the function: stored in an attribute or an item
    (``entry.runtime_data = Data(coordinator=coordinator)``), returned or yielded; the holder it
    is given to keeps it, and whoever ends the holder may end it."""
    parent = module.parent(call)
    if isinstance(parent, ast.Await):
        parent = module.parent(parent)
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
        return True
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target] if isinstance(parent, ast.AnnAssign) else []
    return any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)


def _lends(call: ast.Call) -> bool:
    """A call given the value borrows it, unless it keeps it (a container's or an exit stack's
    own methods) or enters it."""
    func = call.func
    named = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return named not in _KEEPERS


def _leaves_open(
    module: ModuleInfo,
    function: ast.AST,
    exit_: ast.stmt | ast.ExceptHandler,
    block: list[ast.stmt],
    after: int,
    name: str,
    prefixes: frozenset[str],
    close_ids: set[int],
) -> bool:
    """Whether the path to ``exit_`` from the binding (the statement before ``block[after]``)
    runs no close of the value, no release of anything and no call given the value."""
    if isinstance(exit_, ast.Return) and exit_.value is not None and _names(exit_.value, name):
        return False  # ``return page``: handed on (a ``return`` of something it holds, too)
    node: ast.AST = exit_
    if isinstance(exit_, ast.ExceptHandler) and (_closes_or_gives(exit_, name, prefixes, close_ids) or _closed_after(module, exit_, function, close_ids)):
        return False
    while True:
        parent = module.parent(node)
        if parent is None or parent is function and not any(s is node for s in block):
            return False
        if isinstance(parent, ast.ExceptHandler):
            # In a handler: anything of its ``try`` body may have raised before its close.
            if _closes_or_gives_list(parent.body, node, name, prefixes, close_ids):
                return False
            node = parent
            continue
        if isinstance(parent, ast.Try) and isinstance(node, ast.ExceptHandler):
            if not _raises_after(module, parent, node, block, after, close_ids):
                return False  # nothing in the ``try`` can fail into this handler with the value made
            if not any(id(n) in close_ids for s in parent.body for n in _own_walk(s)):
                return False  # its body never closes it: an error there is not this path's
            if parent.body is block:
                return True  # made in the ``try`` whose handler leaves
            node = parent
            continue
        if isinstance(parent, (ast.If, ast.While)) and _tests_the_value(parent.test, name):
            return False  # ``if client is None: return``: a test of the value itself
        if isinstance(parent, ast.Try) and any(s is node or _contains(s, node) for s in parent.body):
            if any(_closes_or_gives(h, name, prefixes, close_ids) for h in parent.handlers):
                return False  # a ``raise`` in a ``try`` whose handler closes it
        siblings = statement_block(module.parent(node), node) if isinstance(node, ast.stmt) else None
        if siblings is block:
            index = next(i for i, s in enumerate(block) if s is node)
            if index < after:
                return False
            return not any(_closes_on_the_way(module, s, close_ids) for s in block[after:index])
        if siblings is not None:
            if _closes_or_gives_list(siblings, node, name, prefixes, close_ids):
                return False
        node = parent


def _contains(outer: ast.AST, node: ast.AST) -> bool:
    return any(n is node for n in _own_walk(outer))


def _tests_the_value(test: ast.expr, name: str) -> bool:
    """``client is None``, ``not client``, ``client.closed``, ``not await client.initialize()``: a
    test of the value, its state or its own answer (a start that failed may hold nothing)."""
    return _names(test, name)


def _names(expr: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def _closes_on_the_way(module: ModuleInfo, stmt: ast.stmt, close_ids: set[int]) -> bool:
    """A statement before the exit in the binding's block that closes the value on a path that
    goes on (a branch that closes and then returns does not close the path that stays)."""
    for node in _own_walk(stmt):
        if id(node) not in close_ids:
            continue
        holder = next(a for a in module.ancestors(node) if isinstance(a, ast.stmt))
        body = statement_block(module.parent(holder), holder)
        if holder is stmt or body is None or not isinstance(body[-1], (*_EXITS, ast.Continue, ast.Break)):
            return True
    return False


def _closes_or_gives(outer: ast.AST, name: str, prefixes: frozenset[str], close_ids: set[int]) -> bool:
    """``outer`` closes the value, calls some release, or gives the value to a call."""
    for node in _own_walk(outer):
        if id(node) in close_ids:
            return True
        if isinstance(node, ast.Call):
            func = node.func
            named = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if _RELEASE_CALL.match(named):
                return True
            if any(ast.unparse(a) in prefixes for a in (*node.args, *(k.value for k in node.keywords))):
                return True
    return False


def _closes_or_gives_list(body: list[ast.stmt], node: ast.AST, name: str, prefixes: frozenset[str], close_ids: set[int]) -> bool:
    """A statement of ``body`` before the one holding ``node`` closes or gives the value."""
    for stmt in body:
        if stmt is node or _contains(stmt, node):
            return False
        if _closes_or_gives(stmt, name, prefixes, close_ids):
            return True
    return False


def _raises_after(module: ModuleInfo, try_: ast.Try, handler: ast.ExceptHandler, block: list[ast.stmt], after: int, close_ids: set[int]) -> bool:
    """The ``try`` body awaits something other than the close once the value is made and before
    a statement of the body that closes it, whose error reaches ``handler`` with the value open:
    not one a ``try`` of its own catches and goes on after (session 73: ``except Exception:
    skipped += 1`` around each query of a script's loop), nor a pause (``await asyncio.sleep(30)``,
    whose only error, the cancellation, ``except Exception`` does not catch)."""
    body = try_.body[after:] if try_.body is block else try_.body
    closes = frozenset(close_ids)
    ends = [i for i, s in enumerate(body) if isinstance(s, ast.Expr) and isinstance(s.value, ast.Await) and id(s.value.value) in closes]
    if ends:
        body = body[: ends[0]]  # (an error after ``await client.stop()`` finds it closed)
    wide = catches_cancellation(handler)
    return any(isinstance(n, ast.Await) and id(n.value) not in closes and not stopped_before(module, n, try_, handler, closes)
               and (wide or not only_cancelled(module, n))
               for s in body for n in _own_walk(s))


def _closed_after(module: ModuleInfo, handler: ast.ExceptHandler, function: ast.AST, close_ids: set[int]) -> bool:
    """A handler that goes on: a close after its ``try`` still runs."""
    try_ = module.parent(handler)
    end = getattr(try_, "end_lineno", 0) or 0
    return any(isinstance(n, ast.Call) and id(n) in close_ids and n.lineno > end for n in _own_walk(function))
