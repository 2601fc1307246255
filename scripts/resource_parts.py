"""**part** (``make_resource_table.py``): a library class released by releasing one of its parts.

A class that makes a known resource in its ``__init__`` and keeps it where its users reach it
(a public attribute, or a public property returning the attribute) is itself a resource when
no release of its own ends it, and its users end it by ending that part:

- **ended by its exit**: its ``__aexit__`` awaits the part's release on every path (aiogram 3's
  ``Bot``: ``__init__`` makes ``self.session = AiohttpSession()`` unless one is given, and
  ``__aexit__`` is ``await self.session.close()``; ``Bot.close()`` is a Telegram API call, not a
  release): released by ``async with`` or ``await bot.session.close()``;
- **ended through its part**: it has no ``__aexit__`` and no public release coroutine of its own,
  and a public property gives the part (google-genai's ``Client``, whose ``aio`` property gives
  the ``AsyncClient`` it made over its own API client, whose ``aclose()`` closes the async HTTP
  transports; ``Client.close()`` is plain and closes only the sync ones): released by ``await
  client.aio.aclose()`` alone, and no ``async with`` takes it.

The close is recorded as the path (``session.close``, ``aio.aclose``), awaited when the part's
release is a coroutine; only such a part is taken (a plain release is no async end). A part
that is the constructor's parameter when one is given (``session: BaseSession | None = None``)
makes the class a wrapper of the caller's resource then: that parameter is the entry's ``given``.
A part built over a parameter of the constructor (``Part(param)``) is the caller's, never the
class's. Only what ``__init__`` makes is followed: a part made later is a miss, never a guess."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import base_init_calls
from tradelint.facts.uses import methods_reached, self_name
from tradelint.facts.summary_data import ClassFacts
from tradelint.models.resources.resource_types import ResourceSpec, passes_any

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class PartRelease:
    close: str  # the path: ``session.close``
    awaited: bool
    lazy: bool
    given: tuple[tuple[str, int], ...]
    enterable: bool  # its ``__aexit__`` is the part's release: ``async with`` ends it


def part_release(
    nodes: list[ast.ClassDef],
    family: list[ClassFacts],
    type_of: Callable[[ast.expr], str | None],
    spec_of: Callable[[str], ResourceSpec | None],
    carries: Callable[[str], bool] = lambda qualified: False,
) -> PartRelease | None:
    """The part release of the class whose lineage (the class first) is ``nodes`` and
    ``family``; ``type_of`` names a constructor as the table does, ``spec_of`` gives a known
    type's spec, ``carries`` whether a class of the library (an options class) has a field that
    holds a known resource: a constructor parameter of that type may hand the instance the
    caller's transport (genai's ``http_options=HttpOptions(httpx_async_client=...)``, whose
    ``aclose()`` then leaves it to the caller), so it is ``given`` too."""
    init = _method(nodes, "__init__")
    if init is None:
        return None
    properties: dict[str, str] = {}
    for facts in reversed(family):
        properties.update(facts.properties)
    for attr, (spec, given) in _made_parts(init, type_of, spec_of).items():
        if not spec.awaited or "." in spec.close:
            continue
        names = [attr] if not attr.startswith("_") else sorted(p for p, a in properties.items() if a == attr and not p.startswith("_"))
        if not names:
            continue
        enterable = _ended_through(nodes, attr, {attr, *names}, spec.close, spec.lazy)
        if enterable is None:
            continue
        carriers = tuple((name, position) for name, position in _carriers(init, type_of, carries) if (name, position) not in given)
        return PartRelease(f"{names[0]}.{spec.close}", True, spec.lazy, tuple(sorted((*given, *carriers))), enterable)
    return None


def _ended_through(nodes: list[ast.ClassDef], attr: str, names: set[str], close: str, lazy: bool) -> bool | None:
    """Whether the lineage is ended by ending its part ``self.<attr>`` (reached as ``names``):
    True when its ``__aexit__`` awaits the part's ``close`` (``async with`` ends it), False when it
    has no exit and no release coroutine of its own; None when it is ended otherwise."""
    # A part that opens only when used (a lazy type), in a class with no public coroutine of its
    # lineage whose public synchronous methods drive that part themselves (python-binance's
    # ``Client``: its ``ws_*`` methods run the async ``WebsocketAPI`` in a loop of their own): its
    # users call those methods, never await the part, and may never open it. A class whose part is
    # its async interface (google-genai's ``client.aio``) is one all the same.
    asynchronous = any(isinstance(s, ast.AsyncFunctionDef) and not s.name.startswith("_") for node in nodes for s in node.body)
    if lazy and not asynchronous and _driven_synchronously(nodes, attr):
        return None
    exit_ = _method(nodes, "__aexit__")
    if exit_ is not None:
        # (None: its own end does something else with the part, or nothing)
        return True if _ends_part(exit_, names, close) else None
    # (a release of its own that leaves the part: not this rule's to say)
    return None if _own_async_release(nodes) else False


def _carriers(init: Function, type_of: Callable[[ast.expr], str | None], carries: Callable[[str], bool]) -> Iterator[tuple[str, int]]:
    """The constructor's parameters annotated with a class that ``carries`` a resource
    (``http_options: Optional[Union[HttpOptions, HttpOptionsDict]]``)."""
    params = _parameters(init)
    for arg in (*init.args.args[1:], *init.args.kwonlyargs):
        if arg.annotation is None:
            continue
        for node in ast.walk(arg.annotation):
            if isinstance(node, (ast.Name, ast.Attribute)) and (qualified := type_of(node)) is not None and carries(qualified):
                yield arg.arg, params[arg.arg]
                break


def carries_resource(cls: ast.ClassDef, module_tree: ast.Module, type_of: Callable[[ast.expr], str | None], known: Callable[[str], bool]) -> bool:
    """Whether a field the class's body annotates (``httpx_async_client: Optional['HttpxAsyncClient']``)
    names a known resource type: through the module's imports, or a name the module binds to an
    expression naming one (``HttpxAsyncClient = httpx.AsyncClient``, in an ``if`` or ``try`` too)."""
    aliases: dict[str, list[ast.expr]] = {}
    for node in ast.walk(module_tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    aliases.setdefault(target.id, []).append(node.value)

    def names_resource(expr: ast.expr, depth: int = 0) -> bool:
        for node in ast.walk(expr):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
                node = ast.Name(node.value, ast.Load())
            if isinstance(node, (ast.Name, ast.Attribute)):
                qualified = type_of(node)
                if qualified is not None and known(qualified):
                    return True
                if isinstance(node, ast.Name) and depth < 2 and any(names_resource(v, depth + 1) for v in aliases.get(node.id, ())):
                    return True
        return False

    return any(isinstance(stmt, ast.AnnAssign) and names_resource(stmt.annotation) for stmt in cls.body)


def _method(nodes: list[ast.ClassDef], name: str) -> Function | None:
    for node in nodes:
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return stmt
    return None


def _parameters(init: Function) -> dict[str, int]:
    """The constructor's parameters, by name: their position (``self`` not counted), -1 for one
    passed by name only."""
    found = {a.arg: i for i, a in enumerate(init.args.args[1:])}
    found.update({a.arg: -1 for a in init.args.kwonlyargs})
    return found


def _made_parts(
    init: Function, type_of: Callable[[ast.expr], str | None], spec_of: Callable[[str], ResourceSpec | None]
) -> dict[str, tuple[ResourceSpec, tuple[tuple[str, int], ...]]]:
    """``self.<attr>`` that ``__init__`` binds to a resource it makes: ``self.s = T(...)``, ``s =
    T(...); self.s = s``, and a parameter it falls back from (``if s is None: s = T()`` then
    ``self.s = s``; ``self.s = s or T()``), with that parameter as ``given``."""
    params = _parameters(init)
    made_locals: dict[str, ResourceSpec] = {}
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            spec = _constructed(node.value, type_of, spec_of, params)
            if spec is not None:
                made_locals[node.targets[0].id] = spec
    found: dict[str, tuple[ResourceSpec, tuple[tuple[str, int], ...]]] = {}
    for node in ast.walk(init):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"):
            continue
        for option in _options(node.value):
            spec = _constructed(option, type_of, spec_of, params)
            if spec is None and isinstance(option, ast.Name):
                spec = made_locals.get(option.id)
            if spec is None:
                continue
            given = tuple(
                (o.id, params[o.id]) for o in _options(node.value) if isinstance(o, ast.Name) and o.id in params
            )
            found.setdefault(target.attr, (spec, given))
            break
    return found


def _options(value: ast.expr) -> Iterator[ast.expr]:
    """The values an expression may give: ``a or b`` and ``b if t else a`` give either."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        for option in value.values:
            yield from _options(option)
    elif isinstance(value, ast.IfExp):
        yield from _options(value.body)
        yield from _options(value.orelse)
    else:
        yield value


def _constructed(
    value: ast.expr, type_of: Callable[[ast.expr], str | None], spec_of: Callable[[str], ResourceSpec | None], params: dict[str, int]
) -> ResourceSpec | None:
    """The spec of the known resource ``value`` constructs (not awaited, not a part of a tuple),
    when it is made over nothing the constructor was given."""
    if not isinstance(value, ast.Call):
        return None
    qualified = type_of(value.func)
    spec = spec_of(qualified) if qualified is not None else None
    if spec is None or spec.part is not None or spec.awaited_maker:
        return None
    if spec.given and passes_any(value, spec.given) and any(
        isinstance(n, ast.Name) and n.id in params for a in (*value.args, *(k.value for k in value.keywords)) for n in ast.walk(a)
    ):
        return None  # ``Part(param)``: wraps what the caller gave
    return spec


def _ends_part(exit_: Function, names: set[str], close: str) -> bool:
    """``__aexit__`` awaits ``self.<name>.<close>()`` on every path (its body, a ``try``'s body
    or ``finally``)."""
    for stmt in _unconditional(exit_.body):
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Return)) else None
        if not (isinstance(value, ast.Await) and isinstance(call := value.value, ast.Call)):
            continue
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == close
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in names
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "self"
        ):
            return True
    return False


def _unconditional(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.Try):
            yield from _unconditional([*stmt.body, *stmt.finalbody])


def _driven_synchronously(nodes: list[ast.ClassDef], attr: str) -> bool:
    """Whether a public synchronous method of the lineage reaches ``self.<attr>``: itself, or
    through the lineage's own methods it reaches (``self._ws_api_request(...)``), at any depth."""
    methods = {s.name: s for node in reversed(nodes) for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for name, method in methods.items():
        if not isinstance(method, ast.FunctionDef) or name.startswith("_") or any(
            isinstance(d, ast.Name) and d.id in ("property", "staticmethod", "classmethod") for d in method.decorator_list
        ):
            continue
        for reached in (method, *(methods[n] for n in methods_reached(methods, [name], calls_only=False))):
            me = self_name(reached)
            if any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == me and n.attr == attr for n in ast.walk(reached)):
                return True
    return False


def _own_async_release(nodes: list[ast.ClassDef]) -> bool:
    """A public release coroutine of the class's own lineage (``async def close``)."""
    return any(
        isinstance(stmt, ast.AsyncFunctionDef) and not stmt.name.startswith("_") and is_release_name(stmt.name)
        for node in nodes
        for stmt in node.body
    )


def delegated_part(
    nodes: list[ast.ClassDef], family: list[ClassFacts], close: str, lazy: bool, given: set[str]
) -> tuple[tuple[str, int], ...] | None:
    """A subclass whose own ``__init__`` makes no part and hands the making to its base's
    (``super().__init__()``, ``Base.__init__(self, ...)``: syncedlyrics' providers, python-okx's
    ``AsyncTradeAPI(AsyncClient)``) keeps the part its base is released by, ``close`` (the base's
    ``session.close``), unless what it adds ends it otherwise: it drives a lazy part
    synchronously (python-binance's ``Client``), adds an ``__aexit__`` that ends something else,
    or a release coroutine of its own. The base's ``given`` parameters (by name) that the
    subclass's constructor has too, at its positions (``None``: not the base's part)."""
    own = next((s for s in nodes[0].body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"), None) if nodes else None
    if own is None or next(base_init_calls(own), None) is None:
        return None
    name, _, release = close.partition(".")
    if not release or "." in release:
        return None
    properties: dict[str, str] = {}
    for facts in reversed(family):
        properties.update(facts.properties)
    attr = properties.get(name, name)
    if any(
        isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" and t.attr in (attr, name)
        for node in ast.walk(own) if isinstance(node, ast.Assign) for t in node.targets
    ):
        return None  # (it binds the part itself: the part rule's, over its own ``__init__``)
    if _ended_through(nodes, attr, {attr, name}, release, lazy) is None:
        return None
    return tuple(sorted((param, position) for param, position in _parameters(own).items() if param in given))
