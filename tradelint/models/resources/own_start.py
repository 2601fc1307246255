"""An object's own start that, failing, leaves it holding nothing (session 56).

``backend = Backend(url); await backend.__aenter__(); self.backend = backend``: the ``await``
between the creation and the hand-off is the object's own opening method. Whether its failure
leaks depends on that method's body, read in the project: when nothing the object holds from its
construction needs a release, and the method can fail only before it acquires anything (every
``await``, ``async for``, ``async with`` and ``raise`` of it comes before its first acquisition,
or runs in a ``try`` that releases on every error), a failing start leaves an object that holds
nothing, and dropping it loses nothing (``async def open(self): if self._client is not None:
raise RuntimeError(...); self._client = httpx.AsyncClient(...); return self``; an
``__aenter__`` whose one ``await`` is the ``enter_async_context`` it keeps, with nothing after).

The negative twin still leaks: an ``open()`` that makes a pool and then awaits a handshake, a
start that awaits one of its own methods that does so, or a class whose ``__init__`` already
made what its release closes.

An acquisition, in the method or a method of its class it calls on ``self`` (read the same way):
a store on ``self`` (an attribute or an item of one), where a release (or a method it calls on
``self``) reads it, of a value that calls anything and is not plain by its form (arithmetic, a
comparison, an f-string: ``datetime.now() + timedelta(...)``), a read of a property of the family
that acquires (``self.engine``, made when first read), a call of a method of something ``self``
holds (``self._stack.enter_async_context(...)``), an awaited call given something it holds
(``await join(self._stack, url)``), a task started. A *given tool* (what a construction method
stores from a parameter of its own that no release ends, or one annotated as a plain value: a
shared session, a URL) is held by no one here: a call of its own method (``async with
self._session.post(self._url)``), or it handed to a call, acquires nothing. What cannot be read
(a method of a library base, ``super()``'s, a call given ``self`` itself, an acquisition in a
loop) is taken to fail after acquiring; a call re-entering a method being read is taken to
acquire nothing when nothing acquires, else to acquire and fail (read twice). Held from the
construction: what an ``__init__`` (or ``__new__``, ``__post_init__``) of the family makes and
stores where a release reads it, unless it holds nothing (``None``, an empty display, an empty
exit stack, a class constant, a value plain by its form), or what it is given when a release
ends it (a release called on it, or it handed on: ``self._session = session`` may be one made for
it; not when the release only works with it, ``self._session.post(url, json=logout)``); anything
else it calls; whatever a class decorator writes. Only a first-party class whose bases are all of
the project; made by its constructor or by a plain function of the project that returns its
construction directly on every path."""

from __future__ import annotations

import ast
from typing import NamedTuple

from tradelint.facts.class_family import class_and_bases, resolve_class_node, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.returned_makers import returned_call
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import LOOP_NODES, TASK_STARTERS, base_class, class_methods, instance_parameter, last_name, own_nodes, own_returns, parse_expression
from tradelint.facts.uses import name_loads, self_attr

__all__ = ["first_use_started_clean", "started_clean"]

Function = ast.FunctionDef | ast.AsyncFunctionDef
Methods = dict[str, Function]

_PLAIN_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})
# An exit stack made in ``__init__`` holds nothing until something is entered into it, which is
# an acquisition of the method that does it.
_EMPTY_STACKS = frozenset({"contextlib.AsyncExitStack", "contextlib.ExitStack"})
_CONSTRUCTION = ("__new__", "__init__", "__post_init__", "__attrs_post_init__")
_FAILING = (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Raise)

Reading = tuple[int, bool]  # (the line of the first acquisition, 0 for none; whether it can fail)


def started_clean(module: ModuleInfo, made: ast.AST, node: ast.AST, name: str, receiver: str | None = None, close: str = "") -> bool:
    """Whether ``node`` awaits a method of the object ``made`` constructed, kept in the local
    ``name`` (or in ``<receiver>.<name>``), whose failure leaves that object holding nothing
    (``close``: the release its resource type names, besides the release-named methods)."""
    call = node.value if isinstance(node, ast.Await) else None
    if not (isinstance(made, ast.Call) and isinstance(call, ast.Call) and isinstance(func := call.func, ast.Attribute)):
        return False
    held = func.value
    if receiver is None and not (isinstance(held, ast.Name) and held.id == name):
        return False
    if receiver is not None and not (isinstance(held, ast.Attribute) and held.attr == name and isinstance(held.value, ast.Name) and held.value.id == receiver):
        return False
    found = _made_class(module, made)
    if found is None:
        return False
    methods = _family(*found)
    if methods is None:
        return False
    releases = [m for name, m in methods.items() if is_release_name(name) or name in ("__aexit__", "__exit__", "__del__", close)]
    family = _release_family(releases, methods)
    ended = _ended_by(family, methods, close)
    if _held_from_construction(*found, _self_loads(releases), ended):
        return False
    method = methods.get(func.attr)
    if not isinstance(method, ast.AsyncFunctionDef) or method.decorator_list:
        return False
    reader = _Reader(methods, _given_tools(*found, ended), _self_loads(family), (0, True))
    reading = _fails_holding_nothing(method, reader, set())
    if reading is not None and reading[0]:
        # A call that re-enters a method being read (``connect()`` -> ``_request()`` ->
        # ``_ensure_connected()`` -> ``connect()``) was taken to acquire nothing, which holds only
        # if nothing acquires: read again, taking it to acquire and to fail.
        reading = _fails_holding_nothing(method, reader._replace(assumed=(1, True)), set())
    return reading is not None


def first_use_started_clean(
    module: ModuleInfo, function: ast.AST, made: ast.AST, name: str, start: int, node: ast.Await, close: str = "",
) -> bool:
    """``node`` awaits the object's own start, its first use since it was made (no load of the
    local ``name`` in ``function`` after ``start``, the creation's last line, and before it), and
    that start, failing, leaves it holding nothing (:func:`started_clean`)."""
    return not any(start < n.lineno < node.lineno for n in name_loads(function, name)) and started_clean(
        module, made, node, name, close=close)


def _made_class(module: ModuleInfo, made: ast.Call) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class ``made`` constructs: itself, or the one a function of the project
    returns a construction of on every path (``build(url)``: ``return Backend(**kwargs)``)."""
    found = resolve_class_node(module, made.func)
    if found is not None:
        return found
    definition = resolve_definition(module, made.func)
    if definition is None or not isinstance(definition[1], ast.FunctionDef):
        return None
    inner = returned_call(definition[1])
    returns = [r.value for r in own_returns(definition[1])]
    if inner is None or not all(r is not None and ast.dump(r) == ast.dump(inner) for r in returns):
        return None  # (``b = Backend(); b.attach(session); return b``: what else it was given is not read)
    return resolve_class_node(definition[0], inner.func)


def _family(module: ModuleInfo, cls: ast.ClassDef) -> Methods | None:
    """The methods an instance runs by name (its own first, then its bases'), when every base is
    of the project (or a plain one: ``ABC``, ``Generic[T]``); None when a base cannot be read."""
    methods: Methods = {}
    for home, node in class_and_bases(module, cls):
        for base in node.bases:
            if last_name(base_class(base)) not in _PLAIN_BASES and resolve_class_node(home, base_class(base)) is None:
                return None
        for name, method in class_methods(node).items():
            methods.setdefault(name, method)
    return methods


def _held_from_construction(module: ModuleInfo, cls: ast.ClassDef, released: frozenset[str], ended: frozenset[str]) -> bool:
    """Whether the construction of an instance may make something the class releases: an
    ``__init__`` (``__new__``, ``__post_init__``) of the family stores a call's value that a
    release method reads (``released``: ``self._session = ClientSession()``, closed in
    ``close()``), stores what it is given where a release ends it (``ended``), starts a task, or
    calls anything but a base's ``__init__``; or a decorator writes the ``__init__``."""
    family = list(class_and_bases(module, cls))
    constants = frozenset(  # (``_EMPTY = "000..."`` in the class body: ``self._id = self._EMPTY`` holds nothing)
        target.id for _home, node in family for stmt in node.body if isinstance(stmt, (ast.Assign, ast.AnnAssign))
        and isinstance(stmt.value, (ast.Constant, *_PLAIN_FORMS))
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]) if isinstance(target, ast.Name))
    for home, node in family:
        if node.decorator_list:
            return True  # (a dataclass's or an attrs class's ``__init__`` is not in its text)
        for init in (class_methods(node).get(name) for name in _CONSTRUCTION):
            if init is not None and _holds_after(home, init, released, ended, constants):
                return True
    return False


def _self_loads(methods: list[Function]) -> frozenset[str]:
    """The attributes of ``self`` that ``methods`` read."""
    return frozenset(n.attr for method in methods for n in own_nodes(method)
                     if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and self_attr(n, instance_parameter(method) or ""))


def _given_tools(module: ModuleInfo, cls: ast.ClassDef, ended: frozenset[str]) -> frozenset[str]:
    """The attributes a construction method stores from a parameter of its own that no release
    ends (``ended``: :func:`_ended_by`), or that is annotated as a plain value: a tool the instance
    is given to work with (a shared session, a URL), whose use makes the instance hold nothing
    (``async with self._session.post(self._url)``)."""
    tools: set[str] = set()
    plain: set[str] = set()
    for home, node in class_and_bases(module, cls):
        for init in (class_methods(node).get(name) for name in _CONSTRUCTION):
            if init is None:
                continue
            receiver = instance_parameter(init) or ""
            parameters = [a for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs) if a.arg != receiver]
            for stmt in own_nodes(init):
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name):
                    parameter = next((a for a in parameters if a.arg == stmt.value.id), None)
                    if parameter is None:
                        continue
                    attrs = {attr for t in stmt.targets if (attr := self_attr(t, receiver))}
                    tools.update(attrs)
                    if _plain(parameter.annotation):
                        plain.update(attrs)
    return frozenset(tools - ended) | frozenset(plain)


def _ended_by(family: list[Function], methods: Methods, close: str) -> frozenset[str]:
    """The attributes of ``self`` that the release methods and the methods of the family they
    call on ``self``, however deep (``family``: :func:`_release_family`), may end: a release called on it or on a part of it
    (``self._session.close()``, ``self._ws.transport.abort()`` aside: ``abort`` is no release
    name, so ``self._ws.close()`` is), or the attribute itself handed to anything (an argument, an
    alias, entered, awaited, returned). Using it to do something else (``self._session.post(url,
    json=logout)``, ``self._session.closed``) or testing it (``if self._session is None``) ends
    nothing: a given tool the release works with stays its giver's."""
    ended: set[str] = set()
    for method in family:
        receiver = instance_parameter(method) or ""
        nodes = list(own_nodes(method))
        parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
        for node in nodes:
            if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and self_attr(node, receiver)):
                continue
            parent = parents.get(id(node))
            if isinstance(parent, ast.Call) and parent.func is node and node.attr in methods:
                continue  # (``self._logout()``: read in its turn)
            if _ends(node, parent, parents, close):
                ended.add(node.attr)
    return frozenset(ended)


def _release_family(releases: list[Function], methods: Methods) -> list[Function]:
    """The release methods and the methods of the family they call on ``self``, however deep."""
    found: list[Function] = []
    todo, seen = list(releases), set()
    while todo:
        method = todo.pop()
        if id(method) in seen:
            continue
        seen.add(id(method))
        found.append(method)
        receiver = instance_parameter(method) or ""
        for node in own_nodes(method):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and self_attr(node.func, receiver):
                if (called := methods.get(node.func.attr)) is not None:
                    todo.append(called)
    return found


def _ends(node: ast.Attribute, parent: ast.AST | None, parents: dict[int, ast.AST], close: str) -> bool:
    """Whether this load of ``self.<attr>`` may end what the attribute holds (see :func:`_ended_by`)."""
    if isinstance(parent, (ast.Compare, ast.BoolOp, ast.If, ast.IfExp, ast.While, ast.Assert)) or (
            isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)):
        return False  # (a test of it)
    chain: ast.AST = node
    while isinstance(parent, ast.Attribute) and parent.value is chain:
        grand = parents.get(id(parent))
        if isinstance(grand, ast.Call) and grand.func is parent:
            return is_release_name(parent.attr) or parent.attr == close
        chain, parent = parent, grand
    return chain is node  # (``self._session.closed``, read and dropped: nothing ended)


def _holds_after(home: ModuleInfo, init: Function, released: frozenset[str], ended: frozenset[str], constants: frozenset[str]) -> bool:
    """Whether the construction method ``init`` may make something the class releases: a value it
    makes that a release reads (not a constant of the class, nor a value plain by its form), or a
    value it is given (a parameter of its own) that a release ends (:func:`_ended_by`)."""
    receiver = instance_parameter(init) or ""
    parameters = [a for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs) if a.arg != receiver]
    given = {a.arg for a in parameters}
    plain = {a.arg for a in parameters if _plain(a.annotation)}
    for stmt in own_nodes(init):
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and not _base_init(stmt.value):
            return True
        if isinstance(stmt, ast.Call) and last_name(stmt.func) in TASK_STARTERS:
            return True
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
        attrs = {attr for t in flat if (attr := self_attr(t, receiver))}
        if isinstance(stmt.value, ast.Name) and stmt.value.id in given:
            if attrs & ended and stmt.value.id not in plain:
                return True  # (given, and ended by a release: ``self._session = session`` may be one made for it)
            continue
        if isinstance(stmt.value, _PLAIN_FORMS) or (
                isinstance(stmt.value, ast.Attribute) and stmt.value.attr in constants and isinstance(stmt.value.value, ast.Name)
                and (stmt.value.value.id == receiver or stmt.value.value.id[:1].isupper())):
            continue
        if attrs & released and not _empty(home, stmt.value):
            return True  # (made here)
    return False


def _empty(module: ModuleInfo, value: ast.expr) -> bool:
    """A value that holds nothing: a constant (``None``), an empty display, an exit stack."""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return isinstance(value, ast.Call) and not value.args and not value.keywords and (
        module.imports.qualify(value.func) in _EMPTY_STACKS or (isinstance(value.func, ast.Name) and value.func.id in ("dict", "list", "set")))


def _base_init(call: ast.Call) -> bool:
    """``super().__init__(...)`` or ``Base.__init__(self, ...)``."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"


def _self_rooted(node: ast.AST, receiver: str) -> bool:
    """``self.a``, ``self.a.b``, ``self.a[k]``: something the instance holds."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
        if isinstance(node, ast.Name):
            return node.id == receiver
    return False


class _Reader(NamedTuple):
    """What reading a start needs: the family's methods; the given tools (:func:`_given_tools`);
    the attributes the releases read (a store elsewhere keeps nothing they could end); and what a
    call re-entering a method being read is taken to do."""

    methods: Methods
    tools: frozenset[str]
    read: frozenset[str]
    assumed: Reading


def _fails_holding_nothing(method: Function, reader: _Reader, seen: set[str]) -> Reading | None:
    """The line of ``method``'s first acquisition (0: it acquires nothing) and whether it can fail
    at all, when nothing can fail after that acquisition; None when something can, or when what
    it does cannot be read."""
    receiver = instance_parameter(method)
    if receiver is None:
        return None
    if method.name in seen:
        return reader.assumed
    methods = reader.methods
    seen = seen | {method.name}
    nodes = list(own_nodes(method))
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes):
        return None
    parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
    parents.update({id(child): method for child in method.body})
    acquired: list[ast.AST] = []
    failing: list[ast.AST] = [n for n in nodes if isinstance(n, _FAILING)]
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver and _a_property(methods.get(node.attr)):
            if not isinstance(node.ctx, ast.Load):
                return None  # (a property's setter: what it keeps is not read here)
            reading = _fails_holding_nothing(methods[node.attr], reader, seen)
            if reading is None:
                return None
            if reading[0]:
                acquired.append(node)  # (``self.engine``, a property that makes it when first read)
            if reading[1]:
                failing.append(node)
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
            if node.value is not None and any(_self_rooted(t, receiver) and _root_attribute(t) in reader.read for t in flat) and any(
                    isinstance(n, ast.Call) for n in ast.walk(node.value)) and not isinstance(node.value, _PLAIN_FORMS):
                acquired.append(node)  # (kept where a release reads it: what no release reads, none ends either way)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        given = [a.value if isinstance(a, ast.Starred) else a for a in (*node.args, *(k.value for k in node.keywords))]
        if any(isinstance(a, ast.Name) and a.id == receiver for a in given):
            return None  # (``await register(self)``: what the callee keeps on it is not read here)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and last_name(func.value.func) == "super":
            return None  # (``await super().__aenter__()``: what a base's method acquires is not read here)
        if any(_self_rooted(a, receiver) and not _a_tool(a, receiver, reader.tools) for a in given) and (
            isinstance(parents.get(id(node)), ast.Await) or any(isinstance(n, ast.Call) for a in given for n in ast.walk(a))
        ):
            acquired.append(node)  # (``await join(self._stack, url)``: given what the instance holds, to fill)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver:
            callee = methods.get(func.attr)
            if callee is None:
                return None  # a method of a library base, or made at run time
            reading = _fails_holding_nothing(callee, reader, seen)
            if reading is None:
                return None
            if reading[0]:
                acquired.append(node)
            if reading[1]:
                failing.append(node)  # (``self._check()`` that raises: it fails where it is called)
        elif isinstance(func, ast.Attribute) and _self_rooted(func.value, receiver) and not _a_tool(func.value, receiver, reader.tools) or (
                last_name(func) in TASK_STARTERS):
            acquired.append(node)
    handled = {id(n) for t in nodes if isinstance(t, (ast.Try, ast.TryStar)) and _releases_on_every_error(t) for n in ast.walk(t)}
    failing = [n for n in failing if id(n) not in handled]
    if not acquired:
        return 0, bool(failing)
    if any(_in_a_loop(n, parents) for n in acquired):
        return None
    first = min(_end(n) for n in acquired)
    if any(_end(n) > first for n in failing):
        return None  # (``await asyncio.gather(self.a.start(), other())`` ends after what it started too)
    return first[0], bool(failing)


# Values plain by their form: arithmetic, a comparison, a formatted string (``datetime.now() +
# timedelta(seconds=30)``, ``f"{host}:{port}"``) hold nothing, whatever their operands' calls made.
_PLAIN_FORMS = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.JoinedStr)
_PLAIN_TYPES = frozenset({"str", "int", "float", "bool", "bytes"})


def _plain(annotation: ast.expr | None) -> bool:
    """A parameter annotated as a plain value (``url: str``, ``port: int | None``): it holds nothing."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    if annotation is None:
        return False
    sides, found = [annotation], False
    while sides:  # (a union of any length, read without recursion)
        side = sides.pop()
        if isinstance(side, ast.BinOp) and isinstance(side.op, ast.BitOr):
            sides += [side.left, side.right]
        elif isinstance(side, ast.Subscript) and last_name(side.value) == "Optional":
            sides.append(side.slice)
        elif isinstance(side, ast.Name) and side.id in _PLAIN_TYPES:
            found = True
        elif not (isinstance(side, ast.Constant) and side.value is None):
            return False
    return found


def _root_attribute(node: ast.AST) -> str:
    """``a`` of ``self.a``, ``self.a.b``, ``self.a[k]``."""
    name = ""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            name = node.attr
        node = node.value
    return name


def _a_tool(node: ast.expr, receiver: str, tools: frozenset[str]) -> bool:
    """``self._session`` (not ``self._session.conn``, nor an item of it): a given tool's own method."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver and node.attr in tools


def _end(node: ast.AST) -> tuple[int, int]:
    """Where ``node`` is done: an ``async with`` once it has entered (its exit leaves what its
    body made), an ``async for`` where it first awaits; anything else where its text ends."""
    if isinstance(node, ast.AsyncWith):
        node = node.items[-1].context_expr
    elif isinstance(node, ast.AsyncFor):
        node = node.iter
    return getattr(node, "end_lineno", None) or 0, getattr(node, "end_col_offset", None) or 0


def _a_property(method: Function | None) -> bool:
    return method is not None and any(last_name(d) in ("property", "cached_property") for d in method.decorator_list)


def _in_a_loop(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, LOOP_NODES):
            return True
    return False


def _releases_on_every_error(node: ast.Try | ast.TryStar) -> bool:
    """A ``finally``, a bare or ``BaseException`` handler, that calls a release."""
    bodies = [node.finalbody] + [
        h.body for h in node.handlers if h.type is None or (isinstance(h.type, ast.Name) and h.type.id == "BaseException")
    ]
    return any(
        isinstance(n, ast.Call) and is_release_name(last_name(n.func))
        for body in bodies for stmt in body for n in ast.walk(stmt)
    )
