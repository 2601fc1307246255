"""A resource a class factory hands into the instance it returns is its callers' to release.

``session = ClientSession(); return cls(url, session)`` in a class or static method the model
reads as a factory (:func:`class_factories.class_factory`): the returned instance carries the
session to the caller. When the class never releases it and the project's callers do, through
the instance (``await api.session.close()``), the design hands its end to them: they are judged
for it (``owner_leaks``: "never closes its ``self.session``"). The factory owes no
release of its own: the ``async with`` a finding there would advise closes the session before
the instance is used.

Session 57 widened it to any function, by what the holder's lifecycle shows: a resource passed
through first-party parts into the holder a ``return`` hands out, whose release releases the
path it ends up in (``return Device(Config(session))``, :mod:`.nested_holders`), moves into the
holder where it is handed over (``receivers``), and the function is a factory of the holder,
judged at its callers. A module function
whose holder never releases it (``device = AxisDevice(Configuration(session, ...))``, then
``return device``) hands the part's end to its callers only when every call of it in the project
ends the part through the instance (``await device.config.session.aclose()``); one caller that
does not, or none, and it is judged where it makes it, as before (hail's and apscheduler's class
factories, whose holders never release what they are given and no caller ends it, stay so).

Session 61: a class factory's callers carry it also when every call binds the instance to a
local of its function (``conn = await Connection.connect_to(path)``, also a reader and writer
pair unpacked and handed on: ``return cls(reader, writer)``): each is judged there, and one that
never ends the part is reported where it made the instance ("never closes its
``self.writer``"), the one finding of that leak. A factory the project never calls, or whose
callers keep the instance elsewhere, is judged where it makes the resource."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import class_method, own_returns
from tradelint.facts.uses import bound_once, name_loads
from tradelint.models.resources.class_factories import class_factory
from tradelint.models.resources.factories import MAKERS, BuiltinSpec
from tradelint.models.resources.nested_holders import holding_chain, returned_holder
from tradelint.models.resources.resource_types import CLOSE_METHODS


def handed_into_returned_instance(module: ModuleInfo, model: OwnershipModel, builtin_spec: BuiltinSpec, call: ast.Call) -> bool:
    """Whether ``call`` (directly, or through a local bound to it that is used for nothing
    else) is an argument of the constructor call its class factory returns."""
    function = module.enclosing_function(call)
    if function is None:
        return False
    value: ast.AST = call
    parent = module.parent(value)
    if isinstance(parent, ast.Await):
        value, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        loads = list(name_loads(function, parent.targets[0].id))
        if len(loads) != 1:
            return False
        value, parent = loads[0], module.parent(loads[0])
    cls = module.parent(function)
    if cls is module.tree and isinstance(value, ast.expr):
        return _ended_by_every_caller(module, function, value)
    if isinstance(parent, ast.keyword):
        parent = module.parent(parent)
    if not isinstance(parent, ast.Call) or (value not in parent.args and value not in [k.value for k in parent.keywords]):
        return False
    return _judged_at_callers(module, model, builtin_spec, parent, value)


def taken_by_returned_instance(module: ModuleInfo, model: OwnershipModel, builtin_spec: BuiltinSpec, holder: ast.Call, arg: ast.expr) -> bool:
    """Whether ``arg``, handed to ``holder``, moves with the instance a class factory returns:
    ``reader, writer = await asyncio.open_unix_connection(path)``, then ``return cls(reader,
    writer)`` in a class or static method (:func:`_judged_at_callers`), the local used for
    nothing else (as :func:`handed_into_returned_instance` asks of a resource bound to one: what
    the method does with it before the hand-off is judged where it is made)."""
    function = module.enclosing_function(holder)
    if function is None or not isinstance(arg, ast.Name) or len(list(name_loads(function, arg.id))) != 1:
        return False
    return _judged_at_callers(module, model, builtin_spec, holder, arg)


def _judged_at_callers(module: ModuleInfo, model: OwnershipModel, builtin_spec: BuiltinSpec, holder: ast.Call, arg: ast.expr) -> bool:
    """Whether ``holder`` (returned by the class or static method around it) is the instance of
    its own class the method makes for its caller (``cls(...)``, or the class by name), keeping
    ``arg`` in the attribute the class holds without releasing it (``spec.holds`` of
    :func:`class_factories.class_factory`), and the project's callers carry it: one of them ends
    the part through the instance (``await api.session.close()``: the design hands its end to
    them), or every call binds the instance to a local (:func:`_called`), where that caller is
    judged for it ("never closes its ``self.session``", ``owner_leaks``). The resource moved into
    the instance; a release advised here would close what the instance is returned to use. A
    factory no caller carries (none in the project, or one keeping the instance on ``self`` or
    returning it on) is judged where it makes the resource, as before (a holder that releases it
    takes it anyway: :mod:`.receivers`)."""
    function = module.enclosing_function(holder)
    cls = module.parent(function) if function is not None else None
    if function is None or not isinstance(cls, ast.ClassDef) or not isinstance(module.parent(holder), ast.Return):
        return False
    decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
    if not decorators & {"classmethod", "staticmethod"} or not _names_the_class(holder.func, cls, function, "classmethod" in decorators):
        return False
    spec = class_factory(
        module, ast.Attribute(ast.Name(cls.name, ast.Load()), function.name, ast.Load()), builtin_spec, model, MAKERS
    )
    if spec is None or not spec.holds or _kept_at(module, holder, arg) != spec.holds:
        return False
    factory = (cls.name, function.name)
    return _callers_release(module, factory, spec.holds) or _called(module, factory)


def _kept_at(module: ModuleInfo, holder: ast.Call, arg: ast.expr) -> str | None:
    """The attribute the constructor ``holder`` keeps ``arg`` in (its class's ``__init__`` read)."""
    chain = holding_chain(module, arg)
    return chain[0][1] if chain and chain[0][0] is holder else None


def _callers_release(module: ModuleInfo, factory: tuple[str, str], attr: str) -> bool:
    """Whether the project calls a release of ``<local>.<attr>``, the local bound once to what
    the factory returns, called directly or through a method returning its call: ``api = await
    Api.from_url(url)``, then ``await api.session.close()``."""
    for home in _naming_modules(module, attr):
        for node in home.index.attributes:
            if node.attr != attr or not isinstance(node.value, ast.Name) or node.value.id in ("self", "cls"):
                continue
            method = home.parent(node)
            if not (isinstance(method, ast.Attribute) and method.value is node and (method.attr in CLOSE_METHODS or is_release_name(method.attr))):
                continue
            call = home.parent(method)
            if not (isinstance(call, ast.Call) and call.func is method):
                continue
            function = home.enclosing_function(node)
            made = bound_once(function, node.value.id) if function is not None else None
            if isinstance(made, ast.Await):
                made = made.value
            if isinstance(made, ast.Call) and _reaches(home, made.func, factory):
                return True
    return False


def _called(module: ModuleInfo, factory: tuple[str, str]) -> bool:
    """Whether the project calls the factory ``Cls.method`` (directly, or through a class or static
    method returning its call: ``return Api.from_url(url)``), and every call binds the instance
    to a local of its function that the function does not return: each caller is judged for it
    there (``owner_leaks``). A caller that keeps it elsewhere (on ``self``, returned on) is no
    judged owner: the resource is judged where it is made."""
    sites = [(home, call) for home, call in _call_sites(module, factory[1]) if _reaches(home, call.func, factory)]
    return bool(sites) and all(_bound_to_a_local(home, call) for home, call in sites)


def _bound_to_a_local(module: ModuleInfo, call: ast.Call) -> bool:
    """``conn = [await] Cls.make(...)`` in a function that never returns ``conn``."""
    bound = _bound_local(module, call)
    return bound is not None and not any(isinstance(r.value, ast.Name) and r.value.id == bound[1] for r in own_returns(bound[0]))


def _bound_local(module: ModuleInfo, call: ast.Call) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, str] | None:
    """The function and the local that ``call``'s result (awaited or not) is bound to: ``conn =
    [await] call``; None for any other use of it."""
    value: ast.AST = call
    if isinstance(module.parent(value), ast.Await):
        value = module.parent(value)  # type: ignore[assignment]
    parent = module.parent(value)
    function = module.enclosing_function(call)
    if function is None or not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return None
    return function, parent.targets[0].id


def _reaches(module: ModuleInfo, func: ast.expr, factory: tuple[str, str]) -> bool:
    """``Cls.method`` is the factory, or a class or static method whose own ``return`` calls it
    (``return Api.from_url(url)``, also on a branch of a conditional)."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return False
    if (func.value.id, func.attr) == factory:
        return True
    found = resolve_definition(module, func.value)
    method = class_method(found[1], func.attr) if found is not None and isinstance(found[1], ast.ClassDef) else None
    if method is None:
        return False
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
        and (n.func.value.id, n.func.attr) == factory
        for r in own_returns(method) if r.value is not None for n in ast.walk(r.value)
    )


def _names_the_class(func: ast.expr, cls: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, is_classmethod: bool) -> bool:
    if not isinstance(func, ast.Name):
        return False
    if func.id == cls.name:
        return True
    args = function.args.posonlyargs + function.args.args
    return is_classmethod and bool(args) and func.id == args[0].arg


def _ended_by_every_caller(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.expr) -> bool:
    """A module function's resource passed through first-party parts into the holder it returns
    (``device = AxisDevice(Configuration(session, ...))``, then ``return device``), a holder that
    never releases it, when every call of the function in the project binds the holder to a local
    and releases the part through it (``await device.config.session.aclose()``): the design
    hands the part's end to the callers, each of which is judged for it there (as a class
    factory's are, :func:`_callers_release`). A function no caller of which ends it, or one
    caller of which does not, is judged where it makes it, as before."""
    chain = holding_chain(module, value)
    if not chain:
        return False
    if not returned_holder(module, function, chain[-1][0]):
        return False
    path = [a for _, a, _ in reversed(chain)]
    sites = _call_sites(module, function.name)
    return bool(sites) and all(_ends_path(home, call, path) for home, call in sites)


def _call_sites(module: ModuleInfo, name: str) -> list[tuple[ModuleInfo, ast.Call]]:
    """Every call of the function ``name`` (by that name, or an attribute of that name) in the
    project's files that name it."""
    return [
        (home, node)
        for home in _naming_modules(module, name)
        for node in home.index.calls
        if (isinstance(node.func, ast.Name) and node.func.id == name) or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
    ]


def _naming_modules(module: ModuleInfo, name: str) -> list[ModuleInfo]:
    """``module`` and the project's other files whose text names ``name``."""
    homes = [module]
    root = project_root(module)
    if root is not None:
        module.project.note_scan(f"mentions {name}", root)
        homes += [m for path, _ in files_naming(module.project, root, name, skip=module.path) if (m := module.project.module_at(path)) is not None]
    return homes


def _ends_path(module: ModuleInfo, call: ast.Call, path: list[str]) -> bool:
    """Whether ``call``'s result (awaited or not) is bound to a local of its function that a
    release is called on through ``path`` there (``device.config.session.aclose()``)."""
    bound = _bound_local(module, call)
    if bound is None:
        return False
    for load in name_loads(*bound):
        node: ast.AST = load
        for attr in path:
            up = module.parent(node)
            if not (isinstance(up, ast.Attribute) and up.attr == attr):
                break
            node = up
        else:
            method = module.parent(node)
            if (
                isinstance(method, ast.Attribute) and (method.attr in CLOSE_METHODS or is_release_name(method.attr))
                and isinstance(module.parent(method), ast.Call)
            ):
                return True
    return False
