"""A client built around a part it is given that holds its connections owns nothing that leaks
while the part's maker keeps it, and one given a part that opens nothing holds nothing.

Some library clients keep every connection they use in one part their constructor may be given:
httpx's ``AsyncClient(transport=t)`` sends through ``t``'s pool (and makes no proxy mounts of its
own), aiohttp's ``ClientSession(connector=c)`` through ``c``'s. Such a parameter is the spec's
``pools``. Given a part made elsewhere (a module-level transport every request shares, one a
getter hands out per event loop, a parameter), the client holds nothing of its own: its maker
owes it no release, and the release it would be told to add (``aclose()``, ``async with``) would
close the shared part under its other users. Given one made for it (in place, by a maker of new
ones, through a local, or an attribute the method or class sets to a new one), or one that may be
``None`` (a module-level ``None`` a test replaces, a parameter defaulting to ``None``: the client
then makes its own pool), the client owns it and is its maker's to release, as one given nothing is.

A part of the library's own that opens nothing (the spec's ``idle_parts``: httpx's
``ASGITransport``, which calls an application in-process, and ``MockTransport``, which calls a
function; neither defines ``aclose()``, and ``AsyncBaseTransport.aclose`` does nothing) leaves the
client given it nothing to release, unless a keyword makes pools of its own beside it (httpx's
``mounts``, an explicit ``proxy``; with ``transport=`` given, httpx reads no proxy from the
environment: ``allow_env_proxies = trust_env and transport is None``).

A library may say so with a flag of its own (the spec's ``pool_owner``: aiohttp's
``connector_owner``, true by default): left true, the client owns whatever it is given there and
is judged as ever; passed ``False``, it never releases the part, whoever made it, and holds
nothing to release (a connector made in place for it is then its maker's own creation).
"""

from __future__ import annotations

import ast

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.returned_makers import returned_call
from tradelint.facts.syntax import capword, walk
from tradelint.facts.uses import bound_once
from tradelint.models.resources.resource_types import ResourceSpec, passes_any


def pooled_elsewhere(module: ModuleInfo, call: ast.Call, spec: ResourceSpec) -> bool:
    """Whether the client ``call`` makes holds its connections only in a part it does not own:
    one given at ``spec.pools`` with the library's owner flag passed ``False``, or (a library
    without such a flag) one surely there and not made for it (:func:`_shared_part`)."""
    if not spec.pools:
        return False
    if spec.pool_owner:
        return passes_any(call, spec.pools) and any(
            k.arg == spec.pool_owner and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords
        )
    function = module.enclosing_function(call)
    return any(_shared_part(module, function, value) for value in _passed(call, spec.pools))


def sends_in_process(module: ModuleInfo, call: ast.Call, spec: ResourceSpec) -> bool:
    """Whether the client ``call`` makes is given at ``spec.pools`` a part of the library's own that
    opens nothing (``spec.idle_parts``: ``httpx.AsyncClient(transport=httpx.ASGITransport(app=
    app))``, also through a local bound once), and no keyword with which it makes pools of its own:
    it holds nothing to release. Options passed as ``**kwargs`` configure the client talking to
    that part (fastmcp's ``from_fastapi``: ``base_url``, headers), not pools beside it."""
    if not spec.idle_parts or any(k.arg in spec.own_pools for k in call.keywords):
        return False
    function = module.enclosing_function(call)
    for value in _passed(call, spec.pools):
        if function is not None and isinstance(value, ast.Name):
            value = bound_once(function, value.id) or value
        if isinstance(value, ast.Call) and module.imports.qualify(value.func) in spec.idle_parts:
            return True
    return False


def _shared_part(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef | None, value: ast.expr) -> bool:
    """Whether ``value`` is a part made elsewhere, never ``None``: a module-level object (not a
    ``None`` a test may replace), a parameter without a ``None`` default, an attribute not set
    to a new one here, or what a first-party getter returns that is not a new one on every call
    (a per-loop singleton). A part made in place, through a local bound once or an attribute
    set once in the method or class (by a class, or by a maker the code of which is not read:
    ``endpoint.make_transport()``) is made for it."""
    if function is not None and isinstance(value, ast.Name):
        value = bound_once(function, value.id) or value
    elif function is not None and isinstance(value, ast.Attribute):
        value = _set_once(module, function, value) or value
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Constant):
        return False
    if isinstance(value, ast.Call):
        if made_by_a_class(value.func):
            return False
        found = resolve_definition(module, value.func)
        if found is None or not isinstance(found[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        made = returned_call(found[1])
        return made is None or not made_by_a_class(made.func)  # (a getter of one it keeps)
    if isinstance(value, ast.Name):
        if function is not None and any(
            isinstance(node, ast.Name) and node.id == value.id and isinstance(node.ctx, ast.Store) for node in walk(function)
        ):
            return False  # a local bound more than once (``transport = None``, then a new one)
        if function is not None and (default := _parameter_default(function, value.id)) is not False:
            return not (isinstance(default, ast.Constant) and default.value is None)
        stores = [
            s.value for s in module.tree.body
            if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None
            and any(isinstance(t, ast.Name) and t.id == value.id for t in (s.targets if isinstance(s, ast.Assign) else [s.target]))
        ]
        return not any(isinstance(v, ast.Constant) and v.value is None for v in stores)
    return isinstance(value, ast.Attribute)


def _parameter_default(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None | bool:
    """The default of ``function``'s parameter ``name``: None when it has none, False when
    ``name`` is no parameter of it."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = [*zip(positional, defaults), *zip(args.kwonlyargs, args.kw_defaults)]
    for arg, default in pairs:
        if arg.arg == name:
            return default
    if any(a is not None and a.arg == name for a in (args.vararg, args.kwarg)):
        return None
    return False


def made_by_a_class(func: ast.expr) -> bool:
    """``Pool(...)`` or ``Pool.from_url(...)``: a CapWords class, or a maker of one."""
    if isinstance(func, ast.Attribute) and not capword(func.attr):
        func = func.value
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return capword(name)


def _passed(call: ast.Call, params: tuple[tuple[str, int], ...]) -> list[ast.expr]:
    values = [k.value for k in call.keywords if any(k.arg == name for name, _ in params)]
    return values + [call.args[position] for _, position in params if 0 <= position < len(call.args)]


def _set_once(module: ModuleInfo, function: ast.AST, attribute: ast.Attribute) -> ast.expr | None:
    """The value of the only assignment of ``attribute`` (``self._transport``) in ``function``,
    else in its class."""
    if not isinstance(attribute.value, ast.Name):
        return None
    for scope in (function, module.enclosing_class(function)):
        if scope is None:
            continue
        values = [
            node.value
            for node in walk(scope)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(target := node.targets[0], ast.Attribute)
            and target.attr == attribute.attr
            and isinstance(target.value, ast.Name)
            and target.value.id == attribute.value.id
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ]
        if values:
            return values[0] if len(values) == 1 else None
    return None


def filled_from_a_required_argument(module: ModuleInfo, cls: ast.ClassDef, attr: str, call: ast.Call) -> bool:
    """Whether ``call``, made for ``self.<attr>`` only when it is empty (under a test that reads
    it: ``if self._client is None: self._client = Client()``), can never run: the class's own
    ``__init__`` stores there a parameter every caller must pass (no default) and whose
    annotation, if any, admits no ``None``. The attribute always holds the caller's object, which
    the instance borrows; the fallback is dead code and makes nothing for the class to release,
    unless a method empties the attribute again (``self._client = None``)."""
    if not _under_a_test_of(module, call, attr):
        return False
    init = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"), None)
    if init is None or not init.args.args:
        return False
    receiver = init.args.args[0].arg
    required = _required_parameters(init.args)
    if any(_emptied(node, attr) for node in walk(cls)):
        return False  # ``self._client = None`` after a close: the fallback runs again
    return any(
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(target := stmt.targets[0], ast.Attribute)
        and target.attr == attr
        and isinstance(target.value, ast.Name)
        and target.value.id == receiver
        and isinstance(stmt.value, ast.Name)
        and stmt.value.id in required
        for stmt in init.body
    )


def _emptied(node: ast.AST, attr: str) -> bool:
    """``self.<attr> = None`` (or ``del self.<attr>``)."""
    if isinstance(node, ast.Delete):
        return any(isinstance(t, ast.Attribute) and t.attr == attr for t in node.targets)
    return (
        isinstance(node, (ast.Assign, ast.AnnAssign))
        and isinstance(node.value, ast.Constant)
        and node.value.value is None
        and any(isinstance(t, ast.Attribute) and t.attr == attr for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
    )


def _under_a_test_of(module: ModuleInfo, call: ast.Call, attr: str) -> bool:
    node = module.parent(call)
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(node, ast.If) and any(
            isinstance(read, ast.Attribute) and read.attr == attr and isinstance(read.value, ast.Name) for read in ast.walk(node.test)
        ):
            return True
        node = module.parent(node)
    return False


def _required_parameters(args: ast.arguments) -> frozenset[str]:
    """The parameters of a signature without a default whose annotation (if any) admits no ``None``."""
    positional = [*args.posonlyargs, *args.args][1:]  # (not the instance)
    without = positional[: len(positional) - len(args.defaults)] if args.defaults else positional
    without += [a for a, default in zip(args.kwonlyargs, args.kw_defaults) if default is None]
    return frozenset(a.arg for a in without if a.annotation is None or not _admits_none(a.annotation))


def _admits_none(annotation: ast.expr) -> bool:
    """``X | None``, ``Optional[X]``, ``Any``, a string annotation (not read): may be ``None``."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)) and (node.id if isinstance(node, ast.Name) else node.attr) in ("Optional", "Any", "object"):
            return True
    return False
