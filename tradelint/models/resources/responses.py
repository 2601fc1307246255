"""HTTP responses that hold a pooled connection until released: an aiohttp ``ClientResponse``
awaited from a request method of a ``ClientSession`` (``resp = await session.get(url)``), an
httpx ``Response`` sent streamed (``await client.send(request, stream=True)``) or got straight
from a transport (``await transport.handle_async_request(request)``). Reading the whole body
(``await resp.json()``, ``text()``, ``read()``, httpx's ``aread()``) releases it, as do its
release methods and ``async with``; one neither read nor released keeps its connection checked
out of the pool until it is collected (aiohttp reports it as an "Unclosed response").

Only the receiver's type, proven by the code, makes a call a request: ``session.get(key)`` of
anything else is a lookup. A response is judged for three things only, each a connection that
nothing can give back any more: discarded where it is made, bound and never read, released nor
handed anywhere, or (an httpx streamed one) rebound to the next response (a retry loop) while the
old one is still open. An aiohttp ``ClientResponse`` gives its connection back once its whole body
has come in, read or not (``_response_eof``), so the small answer a retry replaces (a 401) holds
up nothing; only one whose body is still coming would, which the code cannot tell apart, and it
is not judged so (``tests/test_session79_script_and_responses.py`` runs both).
A response read or released on one path and not another is not judged: what the collector
releases at the end of the function is no leak a reader can act on."""

from __future__ import annotations

import ast

from tradelint.facts.attribute_types import attribute_class_expressions, receiver_class
from tradelint.facts.class_body import annotation_head
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import bound_once, classify, name_loads, name_stores, sequential
from tradelint.models.resources.library_makers import parent_ended
from tradelint.models.resources.library_table import library_resource
from tradelint.models.resources.resource_types import Creation, Problem, ResourceSpec
from tradelint.models.resources.response_errors import open_on_handled_error, open_on_raise

_AIOHTTP_SESSIONS = frozenset({"aiohttp.ClientSession", "aiohttp.client.ClientSession"})
# Functions whose return annotation is an aiohttp ``ClientSession`` (Home Assistant's shared and
# per-integration sessions), read from their source as a stub would.
_SESSION_GETTERS = frozenset({
    "homeassistant.helpers.aiohttp_client.async_get_clientsession",
    "homeassistant.helpers.aiohttp_client.async_create_clientsession",
})
# ``ClientSession``'s request methods: each returns a ``ClientResponse`` when awaited.
_AIOHTTP_REQUESTS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "_request"})
_HTTPX_CLIENTS = frozenset({"httpx.AsyncClient", "httpx._client.AsyncClient"})
_HTTPX_TRANSPORTS = frozenset({
    "httpx.AsyncBaseTransport", "httpx.AsyncHTTPTransport", "httpx._transports.base.AsyncBaseTransport",
    "httpx._transports.default.AsyncHTTPTransport",
})

# Released by the first method, or by reading the whole body (the ``ends``).
AIOHTTP_RESPONSE = ResourceSpec("release", awaited=False, unenterable=True, ends=("close", "read", "text", "json", "wait_for_close"), collected=True)
HTTPX_RESPONSE = ResourceSpec("aclose", coroutine_close=True, unenterable=True, ends=("aread",), collected=True)
# An SDK's streamed response (``openai.AsyncStream``): closed by ``close()`` or ``async with``.
SDK_STREAM = ResourceSpec("close", coroutine_close=True, collected=True)
# A response's own methods that release it before they raise: aiohttp's ``raise_for_status()``
# (``if not self._in_context: self.release()``, then the error), by its spec's release.
_RELEASED_ON_RAISE = {AIOHTTP_RESPONSE.close: ("raise_for_status",)}
# Uses that hand its body to what reads it on (``resp.content.iter_chunked()``, ``aiter_bytes()``).
_STREAMED = frozenset({"content", "aiter_bytes", "aiter_text", "aiter_lines", "aiter_raw"})


def response_spec(module: ModuleInfo, call: ast.Call) -> ResourceSpec | None:
    """The response ``call`` makes, when it is awaited and its receiver is proven a session (or
    an httpx client sending streamed, or an httpx transport)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(module.parent(call), ast.Await):
        return None
    name = func.attr
    function = module.enclosing_function(call)
    if function is None:
        return None
    if name not in _AIOHTTP_REQUESTS and name not in ("send", "handle_async_request"):
        return _sdk_stream(module, function, call)
    types = receiver_types(module, function, func.value)
    if not types or parent_ended(module, function, call, func.value, 0):
        return None  # (closing the session the block entered, or the ``finally`` closes, ends its responses)
    if name in _AIOHTTP_REQUESTS and types <= _AIOHTTP_SESSIONS:
        return None if _bodiless(call) else AIOHTTP_RESPONSE
    if name == "send" and types <= _HTTPX_CLIENTS and _streamed(call):
        return HTTPX_RESPONSE
    if name == "handle_async_request" and types <= _HTTPX_TRANSPORTS:
        return HTTPX_RESPONSE
    return None


def _bodiless(call: ast.Call) -> bool:
    """A HEAD request (``session.head(url)``, ``session.request("HEAD", url)``): aiohttp parses its
    response with ``skip_payload`` (``req.method in EMPTY_BODY_METHODS``), hands it the empty
    payload, whose ``on_eof`` runs ``ClientResponse._response_eof`` at once, and that releases the
    connection before the response is returned: it holds nothing."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in ("head", "request", "_request"):
        return False
    if func.attr == "head":
        return True
    method = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "method"), None)
    return isinstance(method, ast.Constant) and isinstance(method.value, str) and method.value.upper() == "HEAD"


def _sdk_stream(module: ModuleInfo, function: ast.AST, call: ast.Call) -> ResourceSpec | None:
    """``await client.chat.completions.create(..., stream=True)``: a request method, reached through
    the attributes of a client the library table knows (``openai.AsyncOpenAI``,
    ``anthropic.AsyncAnthropic``: each holds an HTTP connection pool), asked for a literal
    ``stream=True``, returns the open streamed response, read chunk by chunk. Its connection is
    given back when the stream is read to its end or closed."""
    given = next((k.value for k in call.keywords if k.arg == "stream"), None)
    if not (isinstance(given, ast.Constant) and given.value is True):
        return None
    receiver = call.func.value  # type: ignore[attr-defined]
    while isinstance(receiver, ast.Attribute):
        types = receiver_types(module, function, receiver)
        if types is None and isinstance(receiver.value, ast.Name):
            types = receiver_types(module, function, receiver.value)
        if types is not None:
            known = all(library_resource(t) is not None for t in types) and not types & (_AIOHTTP_SESSIONS | _HTTPX_CLIENTS)
            return SDK_STREAM if known else None
        receiver = receiver.value
    return None


def _streamed(call: ast.Call) -> bool:
    """``send(request, stream=True)``, or a ``stream=`` value that is no literal ``False``."""
    given = next((k.value for k in call.keywords if k.arg == "stream"), None)
    return given is not None and not (isinstance(given, ast.Constant) and not given.value)


def receiver_types(module: ModuleInfo, function: ast.AST, expr: ast.expr) -> set[str] | None:
    """The library types ``expr`` is proven to hold in ``function``: a parameter's annotation, a
    local's one value (a constructor or a getter of one), the target of an ``async with X(...)``,
    or every store of ``self.<attr>`` in the class (its annotation, a constructor, a parameter's
    annotation; ``None`` aside). None when anything is unknown."""
    if isinstance(expr, ast.Name) and isinstance(function, FUNCTION_NODES):
        args = function.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.arg == expr.id:
                return _annotated(module, arg.annotation)
        entered = [
            item.context_expr for node in walk(function) if isinstance(node, (ast.With, ast.AsyncWith)) for item in node.items
            if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == expr.id
        ]
        value = bound_once(function, expr.id)
        values = [*entered, *([value] if value is not None else [])]
        if len(values) != 1 or len(name_stores(function, expr.id)) != 1:
            return None
        return _made(module, values[0])
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and isinstance(function, FUNCTION_NODES):
        method = _method_of(module, function, expr.value.id)
        cls = module.parent(method) if method is not None else None
        if not isinstance(cls, ast.ClassDef):
            return None
        return _attribute_types(module, cls, expr.attr)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Attribute):
        # ``self.client_manager._session``: the attribute of a first-party object the code proves.
        owner = receiver_class(module, function, expr.value)
        return _attribute_types(owner[0], owner[1], expr.attr) if owner is not None else None
    return None


def _method_of(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, me: str) -> ast.AST | None:
    """The method whose first parameter ``me`` is: ``function`` itself, or the method a nested
    function (a retried closure, ``@retry async def attempt(req)``) reads ``self`` from, where no
    function between them binds that name."""
    current: ast.AST | None = function
    while isinstance(current, FUNCTION_NODES):
        args = current.args
        if isinstance(module.parent(current), ast.ClassDef):
            return current if args.args and args.args[0].arg == me else None
        if me in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)} or name_stores(current, me):
            return None
        current = module.enclosing_function(current)
    return None


def _annotated(module: ModuleInfo, annotation: ast.expr | None) -> set[str] | None:
    if annotation is None:
        return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        annotation = sides[0] if len(sides) == 1 else annotation
    elif isinstance(annotation, ast.Subscript) and module.imports.qualify(annotation.value) == "typing.Optional":
        annotation = annotation.slice
    head = annotation_head(module, annotation)
    qualified = module.imports.qualify(head) if head is not None and head is annotation else None
    return {qualified} if qualified is not None else None


def _made(module: ModuleInfo, value: ast.expr) -> set[str] | None:
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    qualified = module.imports.qualify(value.func)
    if qualified in _SESSION_GETTERS:
        return {"aiohttp.ClientSession"}
    return {qualified} if qualified is not None else None


def _attribute_types(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> set[str] | None:
    """What every store of ``self.<attr>`` in the class names (``attribute_class_expressions``:
    an annotation, a constructor, a parameter's annotation), qualified; a getter of a session
    names the session."""
    named = _declared(cls, attr) or attribute_class_expressions(module, cls).get(attr) or _either_side(module, cls, attr)
    if not named:
        return None
    found: set[str] = set()
    for expr in named:
        types = _annotated(module, expr)
        if types is None:
            return None
        found |= {"aiohttp.ClientSession" if t in _SESSION_GETTERS else t for t in types}
    return found


def _either_side(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> list[ast.expr]:
    """Every store of ``self.<attr>`` is ``param or Made(...)`` (or ``Made() if param is None else
    param``), each side proven: the parameter's annotation and the constructor (``self.wrapped =
    wrapped or AsyncHTTPTransport()``). Empty when a store is anything else."""
    found: list[ast.expr] = []
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES) or not method.args.args:
            continue
        me = method.args.args[0].arg
        params = {a.arg: a.annotation for a in (*method.args.args, *method.args.kwonlyargs)}
        for node in walk(method):
            if not isinstance(node, ast.Assign) or not any(
                isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == me for t in node.targets
            ):
                continue
            value = node.value
            sides = value.values if isinstance(value, ast.BoolOp) else [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
            for side in sides:
                given = params.get(side.id) if isinstance(side, ast.Name) else None
                if isinstance(side, ast.Call):
                    found.append(side.func)
                elif given is not None:
                    found.append(given)
                else:
                    return []
    return found


def _declared(cls: ast.ClassDef, attr: str) -> list[ast.expr]:
    """The annotations that declare ``attr`` (``_client: httpx.AsyncClient`` in the class body,
    ``self._session: aiohttp.ClientSession`` in a method): a declared type holds for every store,
    as a type checker holds each to it (``self._client = http_client or httpx.AsyncClient()``)."""
    found = [s.annotation for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and s.target.id == attr]
    for method in cls.body:
        if isinstance(method, FUNCTION_NODES) and method.args.args:
            me = method.args.args[0].arg
            found.extend(
                n.annotation for n in walk(method) if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Attribute)
                and n.target.attr == attr and isinstance(n.target.value, ast.Name) and n.target.value.id == me
            )
    return found


def discarded_response(module: ModuleInfo, c: Creation) -> bool:
    """A response made where nothing binds it: dropped as a statement, or only looked at
    (``(await session.get(url)).status``); not when read or released on the spot (``await (await
    session.get(url)).json()``)."""
    awaited = module.parent(c.call)
    parent = module.parent(awaited) if awaited is not None else None
    if isinstance(parent, ast.Attribute):
        return parent.attr not in {c.spec.close, *c.spec.ends} and parent.attr not in _STREAMED
    return isinstance(parent, ast.Expr)


def judge_response(module: ModuleInfo, c: Creation) -> Problem | None:
    """A response bound to a local: never read, released nor handed anywhere; or rebound to the
    next response while still open (on the path from one store to the next, or around a loop)."""
    assert c.function is not None
    releases = {c.spec.close, *c.spec.ends}
    loads = list(name_loads(c.function, c.name))
    released: list[ast.AST] = []
    handed = kept = False
    for node in loads:
        use = classify(module, node)
        if use.kind in ("method", "attribute") and (use.name in releases or use.name == "__aexit__"):
            released.append(node)
        elif use.kind == "with" or (use.kind in ("method", "attribute") and use.name in _STREAMED):
            released.append(node)
        elif use.kind not in ("method", "attribute", "test"):
            handed = True  # returned, given to a call, stored, yielded: its holder may release it
            kept = kept or use.kind != "return"  # (``results.append(resp)``: rebinding the name loses nothing)
    if not kept and c.spec != AIOHTTP_RESPONSE and _rebound_open(module, c, released):
        # (an aiohttp response gives its connection back once its whole body has come, read or
        # not: ``_response_eof`` releases it; the small answer a retry replaces holds up nothing)
        return "response_replaced"
    if open_at_yield(module, c, releases):
        return "response_open_at_yield"
    if handed and not _released_for_good(module, c, releases) and _given_to_open_generator(module, c, releases):
        return "response_open_in_generator"
    if open_on_handled_error(module, c, releases, _RELEASED_ON_RAISE.get(c.spec.close, ()), c.spec == AIOHTTP_RESPONSE):
        return "response_open_on_error"
    if c.spec == HTTPX_RESPONSE and open_on_raise(module, c, releases):
        return "response_open_on_raise"  # (not an aiohttp one: its finalizer releases it)
    return None if released or handed else "response_never_released"


def open_at_yield(module: ModuleInfo, c: Creation, releases: set[str]) -> bool:
    """``async for chunk in stream: yield chunk`` in an async generator, with no ``finally`` or
    ``async with`` that releases the response: the consumer that stops early (a client gone, a
    ``break``) closes the generator at that ``yield``, and the response is left open, its
    connection checked out and the server still sending (Open-LLM-VTuber ``6c2102f1``)."""
    assert c.function is not None
    return _yields_it_open(module, c.function, c.name, releases)


def _yields_it_open(module: ModuleInfo, function: ast.AST, name: str, releases: set[str]) -> bool:
    if _released_for_good_in(module, function, name, releases):
        return False
    for loop in walk(function):
        if not isinstance(loop, ast.AsyncFor) or not _iterates(module, loop.iter, name):
            continue
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) and module.enclosing_function(n) is function for s in loop.body for n in walk(s)):
            return True
    return False


def _released_for_good(module: ModuleInfo, c: Creation, releases: set[str]) -> bool:
    assert c.function is not None
    return _released_for_good_in(module, c.function, c.name, releases)


def _released_for_good_in(module: ModuleInfo, function: ast.AST, name: str, releases: set[str]) -> bool:
    """``name`` released in a ``finally`` (closing a generator runs it) or entered (``async with``)."""
    for node in name_loads(function, name):
        parent = module.parent(node)
        if isinstance(parent, ast.Attribute) and parent.attr in releases | {"__aexit__"}:
            if any(isinstance(a, ast.Try) and any(node in walk(s) for s in a.finalbody) for a in module.ancestors(node)):
                return True
        if isinstance(parent, ast.withitem):
            return True
    return False


def _given_to_open_generator(module: ModuleInfo, c: Creation, releases: set[str]) -> bool:
    """The response handed to a first-party async generator function of this module (a method of
    the class, ``self._parse_stream(resp)``, or a module function) whose parameter it becomes is
    iterated with a ``yield`` in the loop and never released in a ``finally``: the generator owns
    it from there and leaves it open when its consumer stops early, as one made in it would
    (bentoml/BentoML ``0bbe9028``). A generator that iterates it to its end releases it only then."""
    assert c.function is not None
    for node in name_loads(c.function, c.name):
        call = module.parent(node)
        if isinstance(call, ast.keyword):
            keyword, call = call.arg, module.parent(call)
        else:
            keyword = None
        if not isinstance(call, ast.Call) or node is call.func:
            continue
        session = ast.dump(c.call.func.value) if isinstance(c.call.func, ast.Attribute) else None
        if any(ast.dump(a) == session for a in (*call.args, *(k.value for k in call.keywords))):
            continue  # (its session goes with it: the generator ends both, and the session is judged)
        callee = _own_function(module, c.function, call.func)
        if callee is None or not isinstance(callee, ast.AsyncFunctionDef):
            continue
        params = [*callee.args.posonlyargs, *callee.args.args]
        if isinstance(call.func, ast.Attribute):
            params = params[1:]  # (``self``)
        if keyword is not None:
            param = keyword
        elif node in call.args and call.args.index(node) < len(params) and not any(isinstance(a, ast.Starred) for a in call.args):
            param = params[call.args.index(node)].arg
        else:
            continue
        if _yields_it_open(module, callee, param, releases):
            return True
    return False


def _own_function(module: ModuleInfo, function: ast.AST, func: ast.expr) -> ast.AST | None:
    """The definition ``func`` calls, when this module holds it: ``self.<method>`` of the class of
    ``function`` (its own body, not a base's), or a function of the module."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and isinstance(function, FUNCTION_NODES):
        cls = module.parent(function)
        if not isinstance(cls, ast.ClassDef) or not function.args.args or func.value.id != function.args.args[0].arg:
            return None
        return next((s for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == func.attr), None)
    if isinstance(func, ast.Name):
        found = module.top_level.get(func.id)
        return found if isinstance(found, FUNCTION_NODES) else None
    return None


def _iterates(module: ModuleInfo, expr: ast.expr, name: str) -> bool:
    """``stream``, or a reader of its body (``resp.content.iter_chunked(n)``, ``aiter_bytes()``)."""
    while True:
        if isinstance(expr, ast.Name):
            return expr.id == name
        if isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            expr = expr.value
        else:
            return False


def _rebound_open(module: ModuleInfo, c: Creation, released: list[ast.AST]) -> bool:
    stmt = c.stmt
    line = getattr(stmt, "end_lineno", None) or stmt.lineno  # type: ignore[attr-defined]
    assert c.function is not None
    stores = [s for s in name_stores(c.function, c.name) if s.lineno > line and sequential(module, stmt, s)]
    if stores:
        first = min(stores, key=lambda s: s.lineno)
        return not any(line < getattr(n, "lineno", 0) <= first.lineno for n in released)
    # ``while True: resp = await session.get(url); if resp.status == 200: return resp``: the next
    # turn of the loop rebinds it, unless a release or an unconditional exit comes first.
    loop = next((a for a in module.ancestors(stmt) if isinstance(a, (ast.For, ast.AsyncFor, ast.While)) or a is c.function), None)
    if loop is None or loop is c.function:
        return False
    # (a release on a way out of the loop, ``return await resp.json()``, is not on the way round)
    if any(loop in module.ancestors(n) and not _leaves_after(module, n, loop) for n in released):
        return False
    return not _leaves_after(module, stmt, loop)


def _leaves_after(module: ModuleInfo, node: ast.AST, loop: ast.AST) -> bool:
    """Whether the statement holding ``node``, or one after it in a block that holds it inside
    the loop, is a ``return``, ``raise`` or ``break``: going on from ``node`` leaves the loop."""
    while node is not loop:
        parent = module.parent(node)
        if parent is None:
            return False
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and node in block:
                if any(isinstance(s, (ast.Return, ast.Raise, ast.Break)) for s in block[block.index(node):]):
                    return True
        node = parent
    return False
