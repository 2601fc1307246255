"""Two **factory** readings of ``scripts/make_resource_table.py`` for a library that builds its
resource in a function of its own and never names it where the other rules look.

- :func:`callable_made_factory`: a public coroutine function that says it returns a resource
  type (``-> ArqRedis``) and, on every path, returns what a callable made in the function itself
  constructs: ``functools.partial(T, ...)`` of a resource type, or a nested function saying it
  returns one, chosen by configuration (arq's ``create_pool``: ``pool_factory =
  functools.partial(ArqRedis, host=...)`` or a nested ``def pool_factory(...) -> ArqRedis``,
  then ``pool = pool_factory(...)``, ``await pool.ping()``, ``return pool``). A callable made in
  the function is the library's own way of constructing, never a cache of the caller's.
- :func:`opened_instance`: a public async class method that constructs the class
  (``self = cls(...)``), awaits a method of the new instance (the opening: connecting, starting
  its transports) or keeps on it what an ``await`` gave, and returns it on every path, of a class whose public release method
  (``close``, ``aclose``, ``shutdown``, ``disconnect``) releases what the instance holds: it
  calls a release method of an attribute chain of ``self`` (``self.protocol.transport.close()``)
  or of each element of one (``for c in self._connections: c.close()``, ``[ri.shutdown() for ri
  in self.request_interfaces]``). The class says, by its own code, that what its factory opened
  must be ended by that method; a bare constructor opens nothing, so only the factory is
  entered (asyncio_redis's ``Connection.create`` and ``Pool.create``, whose connections are held
  by protocols; aiocoap's ``Context.create_client_context``, whose transports sit in a list).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name

# The release method of the class, the first of these it has (as ``_own_release`` orders them).
RELEASES = ("aclose", "close", "dispose", "shutdown", "disconnect")
_PARTIAL = {"functools.partial"}


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of ``function``'s body, nested functions, lambdas and classes left out (the
    nested definitions themselves are yielded)."""
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


def _bindings(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.AST]]:
    """Every binding of a plain name in the function's own body: an assigned value, or a nested
    function definition; a name bound otherwise (a loop, ``with ... as``, augmented) is bound to
    ``None``, which no reading takes."""
    bound: dict[str, list[ast.AST]] = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value if len(node.targets) == 1 else ast.Pass())
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            bound.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.setdefault(node.name, []).append(node)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.AugAssign, ast.NamedExpr)):
            targets = [node.target] if isinstance(node, (ast.For, ast.AsyncFor, ast.AugAssign, ast.NamedExpr)) else [
                i.optional_vars for i in node.items if i.optional_vars is not None
            ]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        bound.setdefault(name.id, []).append(ast.Pass())
    return bound


def _returned_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """The names every ``return`` of the function returns; None when one returns anything else,
    when there is none, or when the function yields."""
    names: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            if not isinstance(node.value, ast.Name):
                return None
            names.add(node.value.id)
    return names or None


def callable_made_factory(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    type_of: Callable[[ast.expr | None], str | None],
    known: Callable[[str], bool],
) -> str | None:
    """The resource type a public coroutine function returns, made by a callable of its own
    (module docstring); ``type_of`` names a type expression, ``known`` tells a resource type."""
    if not isinstance(function, ast.AsyncFunctionDef) or function.name.startswith("_"):
        return None
    said = type_of(function.returns)
    if said is None or not known(said):
        return None
    returned = _returned_names(function)
    if returned is None:
        return None
    bound = _bindings(function)
    for name in returned:
        values = bound.get(name, [])
        if len(values) != 1 or not isinstance(values[0], (ast.Call, ast.Await)):
            return None
        call = values[0].value if isinstance(values[0], ast.Await) else values[0]
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        makers = bound.get(call.func.id, [])
        if not makers or not all(_makes(module, maker, said, type_of) for maker in makers):
            return None
    return said


def _makes(module: ModuleInfo, maker: ast.AST, said: str, type_of: Callable[[ast.expr | None], str | None]) -> bool:
    """``functools.partial(T, ...)``, or a nested function that says it returns ``T``."""
    if isinstance(maker, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return type_of(maker.returns) == said and isinstance(maker, ast.FunctionDef)
    if isinstance(maker, ast.Call) and module.imports.qualify(maker.func) in _PARTIAL and maker.args:
        return type_of(maker.args[0]) == said
    return False


def _is_classmethod(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in method.decorator_list)


def opened_instance(cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``method`` is a public async class method that constructs the class, awaits a method of
    the new instance and returns it on every path (module docstring)."""
    if not isinstance(method, ast.AsyncFunctionDef) or method.name.startswith("_") or not _is_classmethod(method):
        return False
    params = method.args.posonlyargs + method.args.args
    if not params:
        return False
    constructors = {params[0].arg, cls.name}
    returned = _returned_names(method)
    if returned is None or len(returned) != 1:
        return False
    name = next(iter(returned))
    values = _bindings(method).get(name, [])
    if len(values) != 1:
        return False
    value = values[0]
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in constructors):
        return False
    return any(_opens(node, name) for node in own_nodes(method))


def _opens(node: ast.AST, name: str) -> bool:
    """``await x.m(...)``, or ``x.attr = ...`` of what an ``await`` gave (``self._connections =
    list(await asyncio.gather(*conns))``): the factory opens the new instance ``x``."""
    if isinstance(node, ast.Await):
        call = node.value
        return (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == name
        )
    if isinstance(node, ast.Assign):
        kept = any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == name for t in node.targets)
        return kept and any(isinstance(n, ast.Await) for n in ast.walk(node.value))
    return False


def _self_chain(node: ast.expr, receiver: str) -> bool:
    """``self.a`` or ``self.a.b...``: an attribute chain rooted at the receiver, at least one long."""
    if not isinstance(node, ast.Attribute):
        return False
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == receiver


def releases_holding(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The method calls a release method (by its name) of an attribute chain of ``self``, or of an
    element of one it iterates (a ``for`` loop or a comprehension over ``self.<chain>``)."""
    params = method.args.posonlyargs + method.args.args
    if not params:
        return False
    receiver = params[0].arg
    elements: set[str] = set()
    for node in ast.walk(method):
        generators = node.generators if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) else []
        loops = [(node.target, node.iter)] if isinstance(node, (ast.For, ast.AsyncFor)) else [(g.target, g.iter) for g in generators]
        for target, iterated in loops:
            inner = iterated.args[0] if isinstance(iterated, ast.Call) and iterated.args else iterated  # list(self.x)
            if isinstance(target, ast.Name) and _self_chain(inner, receiver):
                elements.add(target.id)
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_release_name(node.func.attr):
            holder = node.func.value
            if _self_chain(holder, receiver) or (isinstance(holder, ast.Name) and holder.id in elements):
                return True
    return False


def class_release(nodes: list[ast.ClassDef]) -> tuple[str, bool] | None:
    """(name, is a coroutine) of the family's public release method (the first of
    :data:`RELEASES` the nearest class defines) that needs no argument and releases what the
    instance holds (:func:`releases_holding`)."""
    for name in RELEASES:
        method = next(
            (m for node in nodes for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == name),
            None,
        )
        if method is None:
            continue
        required = len(method.args.posonlyargs) + len(method.args.args) - 1 - len(method.args.defaults)
        if required == 0 and releases_holding(method):
            return name, isinstance(method, ast.AsyncFunctionDef)
    return None
