"""Class and static methods that make a resource for their caller (issue 28, session 15):
``api = await Client.get_client(conf)``, ``pool = Database.create_pool(dsn)``.

A ``@staticmethod`` or ``@classmethod`` of a first-party class makes what every ``return`` of it
makes (``return None`` on an error path aside, as for a module-level factory):

- a library resource of the table, or an instance of a first-party resource type;
- the result of another such method (``return Auth.get_client() if auth else Plain.from_url(u)``:
  both branches, the same kind of resource);
- an instance of its own class (``cls(key, session)``) given a resource the method made
  (``session = ClientSession()``) that the class stores on ``self``: ownership is transitive.
  When the class releases that attribute (``close()`` closing ``self.session``), the instance is
  a resource released by that method; when no method of the class does, it *holds* the
  attribute, and whoever made the instance must end it (``await api.session.close()``), as for a
  class that opens a resource in ``__init__`` and never closes it.

A method that returns anything else on some path (a cached instance, ``cls._instance``, an
attribute, a parameter) makes nothing: the caller may be lent a shared one. Judged once per run
and method (the answer depends only on the class's code)."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Callable, Protocol, cast

from tradelint.facts.attribute_types import ClassRef, receiver_class
from tradelint.facts.class_family import class_and_bases, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel, lineage, release_entry, releases_attr
from tradelint.facts.named_classes import class_named, stored_at
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import capword, walk, class_method
from tradelint.models.resources.creation_shapes import passed_through
from tradelint.models.resources.coroutine_makers import returns_a_coroutine
from tradelint.models.resources.library_makers import library_maker, module_makers
from tradelint.models.resources.nested_holders import nested_holder_spec
from tradelint.models.resources.returned_parts import awaits_a_method, made_holder, only_used_through, returned_part, unowned_paths_fit
from tradelint.models.resources.resource_types import ResourceSpec, first_party_spec, passed

BuiltinSpec = Callable[[str], "ResourceSpec | None"]


class FunctionMaker(Protocol):
    """The judgements of :mod:`.factories` this module shares (``factories.MAKERS``), passed in, as
    the functions of that module ask this one of the class methods their ``return`` calls. Called,
    what a first-party function returns, asked of a name or a module's attribute (``make_client``,
    ``makers.make_client``: ``factories.imported_factory``)."""

    def __call__(self, module: ModuleInfo, func: ast.Name | ast.Attribute, builtin_spec: BuiltinSpec, model: OwnershipModel, /) -> ResourceSpec | None: ...

    def made_here(
        self, module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel, /
    ) -> bool:
        """Whether ``call`` in the maker ``function`` makes a new resource for it (``factories.made_here``)."""
        ...

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def class_factory(module: ModuleInfo, func: ast.expr, builtin_spec: BuiltinSpec, model: OwnershipModel, functions: FunctionMaker) -> ResourceSpec | None:
    """What ``Cls.method(...)`` makes, when ``Cls`` is a first-party class and ``method`` one of
    its class or static methods that makes a resource on every path; None otherwise."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Attribute))):
        return None
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id
    if not capword(name):
        return _instance_factory(module, func, builtin_spec, model, functions)
    named = definition_of(module, owner)
    if named is None or named[1].kind != "class":
        return None
    memo = module.project.class_memo
    key = ("class-factory", named[0].path, named[0].digest, named[1].line, func.attr)
    if key in memo:
        return cast("ResourceSpec | None", memo[key])
    memo[key] = None  # a factory that calls itself
    spec = None
    target = resolve_definition(module, owner)
    if target is not None and isinstance(target[1], ast.ClassDef):
        for home, cls in class_and_bases(target[0], target[1]):
            method = class_method(cls, func.attr)
            if method is not None:
                spec = _made_by(home, cls, method, builtin_spec, model, functions)
                break
    memo[key] = spec
    return spec


def kept_instance_factory(module: ModuleInfo, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel, functions: FunctionMaker) -> ResourceSpec | None:
    """``db = factory.create_db(config)`` (or ``await``-ed, annotated): what the method of a
    receiver that is no import makes, when its result is kept in a name or attribute."""
    parent = module.parent(call)
    if isinstance(parent, ast.Await):
        parent = module.parent(parent)
    if not isinstance(parent, (ast.Assign, ast.AnnAssign)) or not isinstance(call.func, ast.Attribute):
        return None
    return _instance_factory(module, call.func, builtin_spec, model, functions)


def _instance_factory(module: ModuleInfo, func: ast.Attribute, builtin_spec: BuiltinSpec, model: OwnershipModel, functions: FunctionMaker) -> ResourceSpec | None:
    """What ``factory.create_db(config)`` makes, when the receiver's first-party class is proven
    (a parameter's annotation or default, a local's constructor, an attribute of ``self``:
    ``receiver_class``) and the method makes a resource on every path as a static method would
    (``return PineconeDB(config)``); None otherwise."""
    function = module.enclosing_function(func)
    if function is None or (
        isinstance(func.value, ast.Name) and function.args.args and func.value.id == function.args.args[0].arg
        and isinstance(module.parent(function), ast.ClassDef)
    ):
        return None  # ``self.make()``: ``factories.self_method_factory``'s (a function's first parameter is none)
    owner = _receiver(module, function, func.value)
    if owner is None:
        return None
    memo = module.project.class_memo
    key = ("instance-factory", owner[1], func.attr)
    if key in memo:
        return cast("ResourceSpec | None", memo[key])
    memo[key] = None  # a factory that calls itself
    spec = None
    for home, cls in class_and_bases(*owner):
        method = class_method(cls, func.attr)
        if method is not None:
            if not method.decorator_list:
                spec = _made_by(home, cls, method, builtin_spec, model, functions, instance=True)
            break
    memo[key] = spec
    return spec


_RECEIVERS = "_tradelint_instance_receivers"


def _receiver(module: ModuleInfo, function: ast.AST, expr: ast.expr) -> ClassRef | None:
    """``receiver_class`` of ``expr`` in ``function``, asked once per function and receiver: its
    answer reads only the receiver's name (``factory``) or ``self``'s attribute (``self.db``),
    not where in the function it is read, and a function calls methods of the same receiver many
    times. Kept in the project's ``class_memo``, not on the function's node: the answer names
    another module's class and its ``ModuleInfo``, which a table on a kept tree held alive (and
    with it that module's tree) after the project forgot it: a third of the trees alive at the
    end of the whole-corpus check."""
    if isinstance(expr, ast.Name):
        key: tuple[str, str | None] = (expr.id, None)
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        key = (expr.value.id, expr.attr)
    else:
        return receiver_class(module, function, expr)
    table: dict[tuple[str, str | None], ClassRef | None] = module.project.class_memo.setdefault((_RECEIVERS, function), {})
    if key not in table:
        table[key] = receiver_class(module, function, expr)
    return table[key]


def _made_by(
    home: ModuleInfo,
    cls: ast.ClassDef,
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    functions: FunctionMaker,
    instance: bool = False,
) -> ResourceSpec | None:
    kinds = {d.id for d in method.decorator_list if isinstance(d, ast.Name)}
    if instance:
        makers = {cls.name}
    elif "classmethod" in kinds:
        params = method.args.posonlyargs + method.args.args
        if not params:
            return None
        makers = {params[0].arg, cls.name}
    elif "staticmethod" in kinds:
        makers = {cls.name}
    else:
        return None
    bound: dict[str, list[ast.expr]] = {}
    for node in walk(method):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                bound.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            # ``reader, writer = await asyncio.open_unix_connection(path)``: each name is that
            # element of what the call returns (``writer`` is ``<call>[1]``).
            for index, element in enumerate(node.targets[0].elts):
                if isinstance(element, ast.Name):
                    bound.setdefault(element.id, []).append(ast.Subscript(node.value, ast.Constant(index), ast.Load()))
    specs: list[ResourceSpec] = []
    maybe_none = False
    empty: list[ast.Tuple] = []  # ``return None, None``: returned tuples that hold no resource
    held: list[ast.Tuple] = []  # the returned tuples that hold it

    def made(branch: ast.expr) -> ResourceSpec | None:
        stored: dict[str, ast.expr] = {}
        opened = False
        if isinstance(branch, ast.Name) and len(bound.get(branch.id, ())) == 1:
            if instance and not only_used_through(home, method, branch.id):
                return None  # kept or registered by the factory too (``self.sessions.append(s)``)
            stored = _stored_on(method, branch.id)  # ``self = cls(); self.session = ClientSession()``
            opened = awaits_a_method(home, method, branch.id)
            branch = _unwrap(home, bound[branch.id][0])
        if isinstance(branch, ast.Subscript) and (element := _element_of_call(home, branch)) is not None:
            # ``reader, writer = await asyncio.open_connection(...); return reader, writer``: the
            # element of what the maker returns that is the resource, handed on as it came.
            index, call = element
            spec = _made_by_call(home, cls, makers, call, bound, builtin_spec, model, functions, {}, method)
            return replace(spec, part=None) if spec is not None and spec.part == index else None
        if not isinstance(branch, ast.Call):
            return None
        if instance and _views_own_state(home, method, branch, builtin_spec, model):
            # ``WSAssistant(connection, self._auth)``: the instance's own parts are lent to the
            # holder, which owns only the new resource handed in, unless it releases a part too.
            if any(model.keeps_and_releases(home, branch, arg) for arg in _own_state(method, branch)):
                return None
            return _made_holder(home, method, branch, builtin_spec, model, functions)
        spec = _made_by_call(home, cls, makers, branch, bound, builtin_spec, model, functions, stored, method)
        if opened and spec is not None and spec.lazy and not spec.holds:
            # ``manager = cls(config); await manager.connect_all(); return manager``: a lazy type's
            # factory that awaited a method of the instance hands on one already in use, as a
            # module function's does (``factories.factory_spec``).
            spec = replace(spec, lazy=False)
        return spec

    for node in walk(method):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if not isinstance(node, ast.Return):
            continue
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            maybe_none = True
            continue
        if isinstance(value, ast.Tuple):
            # ``return session, url``: the resource is that element of the tuple, as a module
            # function's (``returned_parts``); a name in it is handed on whole only when the method
            # does nothing else with it than call its methods.
            part = returned_part(value, lambda element: made(element) if _handed_whole(home, method, element, bound, makers) else None)
            if part is None:
                return None
            if part[1] is None:
                empty.append(value)
            else:
                specs.append(part[1])
                held.append(value)
            continue
        coroutine = returns_a_coroutine(home, method, value)
        for branch in _branches(home, value):
            spec = made(branch)
            if spec is None:
                return None
            specs.append(replace(spec, awaited_maker=True) if coroutine else spec)
    if not specs or any(spec != specs[0] for spec in specs):
        return None
    if empty:
        held_at = specs[0].part
        unowned = unowned_paths_fit(home, method, held, empty, held_at) if held_at is not None else None
        if unowned is None:
            return None
        maybe_none = True
        specs[0] = replace(specs[0], unless_given=unowned[0], owned_flag=unowned[1])
    return replace(specs[0], maybe_none=True) if maybe_none else specs[0]


def _handed_whole(home: ModuleInfo, method: ast.AST, element: ast.expr, bound: dict[str, list[ast.expr]], makers: set[str]) -> bool:
    """Whether a returned tuple's element is made in place or named by a local bound once that
    the method only calls methods of before returning it (``only_used_through``), and is no
    instance of the class itself (``return cls(writer), version``: its own release helpers, such
    as a class method handed the instance, are judged by the session 34 rule instead)."""
    if isinstance(element, ast.Name):
        if not (len(bound.get(element.id, ())) == 1 and only_used_through(home, method, element.id)):
            return False
        element = bound[element.id][0]
    if isinstance(element, ast.Subscript) and (part := _element_of_call(home, element)) is not None:
        element = part[1]
    call = _unwrap(home, element)
    return isinstance(call, ast.Call) and not (isinstance(call.func, ast.Name) and call.func.id in makers)


def _element_of_call(home: ModuleInfo, value: ast.Subscript) -> tuple[int, ast.Call] | None:
    """``<call>[i]`` (as a tuple-unpacked name is bound): (i, the call)."""
    call = _unwrap(home, value.value)
    index = value.slice.value if isinstance(value.slice, ast.Constant) else None
    return (index, call) if isinstance(index, int) and isinstance(call, ast.Call) else None


def _views_own_state(
    home: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel
) -> bool:
    """Whether the returned ``call`` may be a view of the instance's own resource, given to it
    from ``self`` (``Pipeline(self.connection_pool, ...)``). A library resource of the table
    says itself which parameters take a resource (``ResourceSpec.given``, ``lends``): given none
    of those, what it reads from the instance is configuration, and it makes a new one
    (``return await asyncio.open_connection(self.host, self.port)``). Any other callee: not a
    first-party class that keeps what it is given and releases only what it opens itself
    (``WSConnection(self._session)``, closing the websocket it connects, never the session)."""
    own = _own_state(method, call)
    if not own:
        return False
    qualified = home.imports.qualify(call.func)
    table = builtin_spec(qualified) if qualified is not None and definition_of(home, call.func) is None else None
    if table is not None:
        taking = (*table.given, *table.lends)
        return any(passed(call, name, position) in own for name, position in taking) or bool(table.holds or table.takes)
    return any(model.keeps_and_releases(home, call, arg) is not False for arg in own)


def _own_state(method: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> list[ast.expr]:
    """The arguments of a call in an instance method that are the instance or its attributes."""
    me = method.args.args[0].arg if method.args.args else None
    found = []
    for given in (*call.args, *(k.value for k in call.keywords)):
        value = given
        while isinstance(value, (ast.Attribute, ast.Starred)):
            value = value.value
        if isinstance(value, ast.Name) and value.id == me:
            found.append(given)
    return found


def _stored_on(method: ast.AST, name: str) -> dict[str, ast.expr]:
    """``name.attr = value`` statements of ``method``: attr -> value."""
    return {
        target.attr: node.value
        for node in walk(method)
        if isinstance(node, ast.Assign) and len(node.targets) == 1
        and isinstance(target := node.targets[0], ast.Attribute)
        and isinstance(target.value, ast.Name) and target.value.id == name
    }


def _branches(home: ModuleInfo, value: ast.expr) -> list[ast.expr]:
    value = _unwrap(home, value)
    if isinstance(value, ast.IfExp):
        return [*_branches(home, value.body), *_branches(home, value.orelse)]
    return [value]


def _unwrap(home: ModuleInfo, value: ast.expr) -> ast.expr:
    """The call an awaited value makes: ``make()`` of ``await make()``, and of ``await
    asyncio.wait_for(make(), t)`` (a pass-through call, read as a module's factory reads it)."""
    return passed_through(home, value.value) if isinstance(value, ast.Await) else value


def _made_by_call(
    home: ModuleInfo,
    cls: ast.ClassDef,
    makers: set[str],
    call: ast.Call,
    bound: dict[str, list[ast.expr]],
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    functions: FunctionMaker,
    stored: dict[str, ast.expr],
    method: ast.FunctionDef | ast.AsyncFunctionDef,
) -> ResourceSpec | None:
    """What one returned call makes (``stored``: what the method then stores on the result): as
    a module function's ``return`` (``factories.factory_spec``), also a first-party holder given a
    resource the method made for it (``return WSAssistant(connection)``, ``connection`` from
    another maker): the method hands on the holder, which owns the resource from then on."""
    if isinstance(call.func, ast.Name) and call.func.id in makers:
        return _own_instance(home, cls, call, bound, builtin_spec, model, functions, stored)
    made = _resource_of(home, call, builtin_spec, model, functions) or class_factory(home, call.func, builtin_spec, model, functions)
    if made is not None:
        return made
    return _made_holder(home, method, call, builtin_spec, model, functions)


def _made_holder(
    home: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel, functions: FunctionMaker
) -> ResourceSpec | None:
    """The first-party holder ``call`` constructs, given a resource ``method`` makes for it, as a
    module function's ``return`` is read (``returned_parts.made_holder``, ``nested_holder_spec``)."""
    if model.first_party_type(home, call.func) is not None:
        return None  # a resource type of its own: judged as one (``_resource_of``)
    made_here = lambda inner: functions.made_here(home, method, inner, builtin_spec, model)  # noqa: E731
    return made_holder(home, method, call, model, made_here) or nested_holder_spec(home, model, method, call, made_here)


def _resource_of(home: ModuleInfo, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel, functions: FunctionMaker) -> ResourceSpec | None:
    qualified = home.imports.qualify(call.func)
    spec = builtin_spec(qualified) if qualified is not None else None
    if spec is not None:
        return spec
    found = model.first_party_type(home, call.func)
    if found is not None:
        return first_party_spec(found.release, lazy=found.lazy, awaited=found.awaited)
    func = call.func
    if isinstance(func, ast.Attribute) and (made := library_maker(home, call, module_makers(home), builtin_spec)) is not None:
        # ``return await self.conn.create_process(cmd)``: a library maker on a receiver of its
        # class makes a new one for the caller, as in a module's function (``factories``).
        return made
    if not (isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and not capword(func.value.id))):
        return None
    # ``make_client(config)``, ``makers.make_client(config)``: a function of the project that
    # returns a new one on every path.
    return functions(home, func, builtin_spec, model)


def _own_instance(
    home: ModuleInfo,
    cls: ast.ClassDef,
    call: ast.Call,
    bound: dict[str, list[ast.expr]],
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    functions: FunctionMaker,
    stored: dict[str, ast.expr],
) -> ResourceSpec | None:
    """``cls(key, session)``: the class itself when it is a resource type; else the attribute it
    stores a resource the method made in (given to the constructor, or set on the new instance:
    ``self = cls(); self.session = ClientSession()``), released by the class (a resource
    released by that method) or not (held: the caller must end it)."""
    own = model.first_party_type(home, ast.Name(cls.name, ast.Load()))
    if own is not None and not own.lazy:
        return first_party_spec(own.release, lazy=False, awaited=own.awaited)
    # A lazy type (known by its ``__aexit__``, or acquiring only in ``connect()``) holds what its
    # maker gives it from the start.
    lazy = first_party_spec(own.release, lazy=True, awaited=own.awaited) if own is not None else None
    found = class_named(home, ast.Name(cls.name, ast.Load()))
    if found is None:
        return lazy
    family = lineage(home.project, *found)
    given: list[tuple[str | None, int | None, str | None, ast.expr]] = [
        (None, i, None, a) for i, a in enumerate(call.args)
    ] + [(k.arg, None, None, k.value) for k in call.keywords if k.arg] + [(None, None, a, v) for a, v in stored.items()]
    for keyword, position, attr, value in given:
        if isinstance(value, ast.Name) and len(bound.get(value.id, ())) == 1:
            value = bound[value.id][0]
        part = None
        if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant) and isinstance(value.slice.value, int):
            part, value = value.slice.value, value.value  # one element of what the call returns
        if not isinstance(_unwrap(home, value), ast.Call):
            continue
        spec = _resource_of(home, cast(ast.Call, _unwrap(home, value)), builtin_spec, model, functions)
        if spec is None or spec.part != part:
            continue
        spec = replace(spec, part=None)
        if keyword is not None:
            attr = next((f.stored_params[keyword] for _, f in family if keyword in f.stored_params), None)
        elif position is not None:
            attr = stored_at(home.project, family, position)
        if attr is None:
            continue
        releaser = releases_attr(family, attr, frozenset({spec.close, "close", "aclose"}))
        if releaser is None:
            return lazy or ResourceSpec("close", first_party=True, holds=attr)
        entry = release_entry(family, releaser, model.configured)
        if own is not None:
            return first_party_spec(own.release, lazy=False, awaited=own.awaited)
        return first_party_spec(entry.name, lazy=False, awaited=entry.is_async) if entry is not None else None
    return lazy
