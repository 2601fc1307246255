"""A release called without ``await`` on a receiver whose type an annotation declares (TRD205,
issue 28 points 2 and 7): ``s.close()`` as a statement, where ``s: aiohttp.ClientSession`` is a
parameter, ``self._http: Optional[ClientSession]`` an attribute declared in the class body or a
method, ``self.http`` a property annotated ``-> ClientSession``, ``get_client()`` a function
annotated so, or ``SESSION: ClientSession | None`` a module global. The annotation is the type
the code declares (a type checker holds every store to it), so what the store makes need not be
seen: ``self._http = self.factory()`` as well as ``aiohttp.ClientSession()``.

The declared type releases by a coroutine function: a library resource type whose release the
library's own code makes a coroutine (the shipped table's ``coroutine_close``, by its exact
name), a first-party class deriving from one through first-party bases (no base of its own
redefining the method), or a first-party class whose release is an undecorated ``async def``.
Not a receiver bound in the same function (a parameter or a local re-bound before the call, a
``self.x`` stored there without the annotation): the annotation may no longer say what it holds.
Only a bare statement: a call whose coroutine is returned, stored, passed or handed to a
scheduler is not this rule's.

What the attribute holds is not reported where it is made (TRD202, as ``unawaited_attribute``
does for a first-party constructor): an annotation says what type a store keeps, not that the
call made it for this owner (``self._session = async_get_clientsession(hass)`` keeps a shared
session, whose fix drops the close), and an attribute a property returns (faust's
``http_client``) may be ended by whoever gets it."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases, resolve_class_node, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, base_class, class_method, instance_parameter, parse_expression, walk
from tradelint.models.resources.library_table import coroutine_release_names
from tradelint.models.resources.proofs import awaitable_here
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.resource_types import BUILTIN_RESOURCES, EXCHANGE_SPEC
from tradelint.models.resources.unawaited_release import RELEASE, UnawaitedRelease

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext
    from tradelint.models.resources.resource_types import ResourceSpec
    from typing import Callable

Declared = tuple[ModuleInfo, ast.expr]  # an annotation, with the module it is read in

# The coroutine releases of the built-in table (``aiohttp.ClientSession.close``, ``httpx``'s ``aclose``).
_BUILTIN_RELEASES = frozenset(spec.close for spec in (*BUILTIN_RESOURCES.values(), EXCHANGE_SPEC) if spec.coroutine_close)

# Bases that define no method: a class deriving from them and a resource type is still one.
_INERT_BASES = frozenset({"object", "typing.Generic", "typing.Protocol", "abc.ABC", "typing_extensions.Protocol"})


def typed_unawaited_releases(ctx: FileContext) -> list[UnawaitedRelease]:
    """Every bare call of a coroutine release on a receiver typed by an annotation, in source
    order (once per file)."""
    found: list[UnawaitedRelease] | None = ctx.memo.get("typed-unawaited-releases")
    if found is not None:
        return found
    module = ctx.module
    found = []
    spec_of = None
    names = coroutine_release_names() | _BUILTIN_RELEASES
    for call in module.index.calls:
        func = call.func
        if not isinstance(func, ast.Attribute) or not (func.attr in names or RELEASE.match(func.attr)):
            continue
        function = module.enclosing_function(call)
        if function is None or not isinstance(module.parent(call), ast.Expr):
            continue
        declared = _declared(module, function, func.value)
        if not declared:
            continue
        spec_of = spec_of or resource_analysis(ctx).builtin_spec
        owners = [_coroutine_release(home, annotation, func.attr, spec_of) for home, annotation in declared]
        if not owners or any(owner is None for owner in owners) or len(set(owners)) != 1:
            continue
        found.append(UnawaitedRelease(call, ast.unparse(func), func.attr, str(owners[0]), awaitable_here(module, call)))
    ctx.memo["typed-unawaited-releases"] = found
    return found


def _declared(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, receiver: ast.expr) -> list[Declared]:
    """The annotations that declare ``receiver``'s type where ``function`` reads it; empty when
    none does, or when the function binds it otherwise."""
    if isinstance(receiver, ast.Name):
        return _declared_name(module, function, receiver.id)
    if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, (ast.Name, ast.Attribute)):
        if _stored_plainly(module, function, receiver):
            return []
        cls = module.parent(function)
        if isinstance(cls, ast.ClassDef) and isinstance(receiver.value, ast.Name) and receiver.value.id == instance_parameter(function):
            return _declared_attribute(module, cls, receiver.attr)
        # ``bot.session`` of a parameter ``bot: Bot``, ``self.api.session``: an attribute of an
        # object of a proven first-party class, declared in that class.
        owner = receiver_class(module, function, receiver.value)
        return _declared_attribute(*owner, receiver.attr) if owner is not None else []
    if isinstance(receiver, ast.Call) and not receiver.args and not receiver.keywords:
        returns = _callee(module, function, receiver.func)
        return [returns] if returns is not None else []
    return []


def _declared_name(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[Declared]:
    args = function.args
    params = {a.arg: a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    stores = [n for n in walk(function) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    if name in params:
        annotation = params[name].annotation
        method = isinstance(module.parent(function), ast.ClassDef) and name == instance_parameter(function)
        return [(module, annotation)] if annotation is not None and not stores and not method else []
    if stores:
        # A local: declared when every binding is an annotated one (``s: ClientSession = make()``).
        annotated = [module.parent(n) for n in stores]
        if not all(isinstance(a, ast.AnnAssign) and a.target is n for a, n in zip(annotated, stores)):
            return []
        return [(module, a.annotation) for a in annotated if isinstance(a, ast.AnnAssign)]
    for outer in module.ancestors(function):
        if isinstance(outer, (*FUNCTION_NODES, ast.Lambda)) and _binds(outer, name):
            return []  # a closure's variable
    return _module_declarations(module).get(name, [])


def _module_declarations(module: ModuleInfo) -> dict[str, list[Declared]]:
    """The annotations of the module's globals (``SESSION: ClientSession | None = None``), once per module."""
    memo = module.project.class_memo
    key = ("declared-globals", module.tree)
    table: dict[str, list[Declared]] | None = memo.get(key)
    if table is None:
        table = memo[key] = {}
        for stmt in module.tree.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                table.setdefault(stmt.target.id, []).append((module, stmt.annotation))
    return table


def _binds(function: ast.AST, name: str) -> bool:
    args = function.args  # type: ignore[attr-defined]
    if any(a.arg == name for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None):
        return True
    return any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in ast.walk(function))


def _stored_plainly(module: ModuleInfo, function: ast.AST, receiver: ast.Attribute) -> bool:
    """``self.x = ...`` (or ``del self.x``, ``self.x += ...``) in ``function`` itself, not
    declared there: what the store put in may not be what the annotation says."""
    spelled = ast.dump(receiver.value), receiver.attr
    return any(
        isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load)
        and (ast.dump(node.value), node.attr) == spelled and not isinstance(module.parent(node), ast.AnnAssign)
        for node in walk(function)
    )


def _declared_attribute(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> list[Declared]:
    """``attr``'s declared type in ``cls``: a property's return annotation, or every annotation of
    it in the class body (``attr: T``) and in the methods (``self.attr: T``) of the class and its
    first-party bases."""
    memo = module.project.class_memo
    key = ("declared-attributes", cls)
    table: dict[str, list[Declared]] | None = memo.get(key)
    if table is None:
        table = memo[key] = _declarations(module, cls)
    return table.get(attr, [])


def _declarations(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, list[Declared]]:
    table: dict[str, list[Declared]] = {}
    properties: dict[str, Declared | None] = {}
    for home, node in class_and_bases(module, cls):
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                table.setdefault(stmt.target.id, []).append((home, stmt.annotation))
            elif isinstance(stmt, FUNCTION_NODES) and class_method(node, stmt.name) is stmt:
                if _is_property(stmt):
                    properties.setdefault(stmt.name, (home, stmt.returns) if stmt.returns is not None else None)
                me = instance_parameter(stmt)
                for inner in walk(stmt) if me is not None else ():
                    if (isinstance(inner, ast.AnnAssign) and isinstance(target := inner.target, ast.Attribute)
                            and isinstance(target.value, ast.Name) and target.value.id == me):
                        table.setdefault(target.attr, []).append((home, inner.annotation))
    for name, returns in properties.items():
        table[name] = [returns] if returns is not None else []
    return table


def _is_property(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id in ("property", "cached_property"))
        or (isinstance(d, ast.Attribute) and d.attr == "cached_property")
        for d in function.decorator_list
    ) and not isinstance(function, ast.AsyncFunctionDef)


def _callee(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, func: ast.expr) -> Declared | None:
    """The return annotation of the first-party function or method ``func`` calls (``get_client``,
    ``self._client``'s own ``self.session()``), not a coroutine function (``(await x()).close()``
    is no bare call of it)."""
    found: tuple[ModuleInfo, ast.stmt] | None = None
    if isinstance(func, ast.Name):
        found = resolve_definition(module, func)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == instance_parameter(function):
        cls = module.parent(function)
        if isinstance(cls, ast.ClassDef):
            found = next(((home, m) for home, node in class_and_bases(module, cls) if (m := class_method(node, func.attr)) is not None), None)
    if found is None or not isinstance(found[1], ast.FunctionDef) or found[1].returns is None or _is_property(found[1]):
        return None
    if not all(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in found[1].decorator_list):
        return None  # a decorator may return something else
    return found[0], found[1].returns


def _coroutine_release(
    module: ModuleInfo, annotation: ast.expr, method: str, spec_of: Callable[[str], ResourceSpec | None],
) -> str | None:
    """The type's name when ``method`` of the type ``annotation`` declares is a coroutine
    function that releases it; None otherwise."""
    head = _type_named(annotation)
    if head is None:
        return None
    cls = resolve_class_node(module, head)
    if cls is None:
        qualified = module.qualify(head)
        return ast.unparse(head) if qualified is not None and _library_release(spec_of(qualified), method) else None
    family = class_and_bases(*cls)
    for _, node in family:
        own = _own_binding(node, method)
        if own is not None:
            undecorated = isinstance(own, ast.AsyncFunctionDef) and not own.decorator_list
            return cls[1].name if undecorated and RELEASE.match(method) else None
    first_party = {id(node) for _, node in family}
    released = False
    for home, node in family:
        for base in node.bases:
            base = base_class(base)
            named = resolve_class_node(home, base)
            if named is not None and id(named[1]) in first_party:
                continue
            qualified = home.qualify(base)
            if qualified is None:
                return None
            if _library_release(spec_of(qualified), method):
                released = True
            elif qualified not in _INERT_BASES:
                return None  # another library's base may define the method first
    return cls[1].name if released else None


def _library_release(spec: ResourceSpec | None, method: str) -> bool:
    """The instance is the resource, and ``method`` its release, a coroutine function by the
    library's own code."""
    return spec is not None and spec.coroutine_close and spec.close == method and spec.part is None and not spec.given


def _own_binding(cls: ast.ClassDef, name: str) -> ast.stmt | None:
    """The last binding of ``name`` in ``cls``'s body (a ``def`` or an assignment), as Python keeps it."""
    last: ast.stmt | None = None
    for stmt in cls.body:
        if isinstance(stmt, FUNCTION_NODES) and stmt.name == name:
            last = stmt
        elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            last = stmt
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name and stmt.value is not None:
            last = stmt
    return last


def _type_named(annotation: ast.expr) -> ast.expr | None:
    """The class an annotation names: ``T`` of ``T``, ``"T"``, ``Optional[T]``, ``T | None``,
    ``Union[T, None]`` (a generic ``T[X]`` is ``T``); None for anything else."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        kept = [side for side in (annotation.left, annotation.right) if not _is_none(side)]
        return _type_named(kept[0]) if len(kept) == 1 else None
    if isinstance(annotation, ast.Subscript):
        outer = annotation.value
        name = outer.attr if isinstance(outer, ast.Attribute) else outer.id if isinstance(outer, ast.Name) else ""
        if name == "Optional":
            return _type_named(annotation.slice)
        if name == "Union":
            parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
            kept = [p for p in parts if not _is_none(p)]
            return _type_named(kept[0]) if len(kept) == 1 else None
        if name in ("ClassVar", "Final", "Annotated", "Type", "type", "Awaitable", "Coroutine", "Callable"):
            return None
        annotation = outer
    return annotation if isinstance(annotation, (ast.Name, ast.Attribute)) else None


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (isinstance(node, ast.Name) and node.id == "None")
