"""First-party functions that make a resource and hand it to their caller: a call of one is a
creation of that resource (``session = make_session()``), owned by the caller."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path
from typing import Callable, cast

from tradelint.facts.class_family import class_node, family_facts, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.named_classes import class_named
from tradelint.facts.summaries import definition_of
from tradelint.facts.summary_data import ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES, capword, class_method, exits, own_nodes, plain_assignments
from tradelint.facts.app_startup import kept_on_app
from tradelint.facts.holders import kept_at_setup
from tradelint.facts.frame_collections import kept_to_frame, made_empty
from tradelint.facts.owned_elements import ONE_ELEMENT_ADDERS, built_with
from tradelint.facts.uses import Use, bound_once, classify, name_loads
from tradelint.models.resources.resource_types import ResourceSpec, first_party_spec, wraps_given
from tradelint.models.resources.statements import _run_to_completion
from tradelint.models.resources.cached_getters import kept_across_calls, result_cached
from tradelint.models.resources.creation_shapes import passed_through
from tradelint.models.resources.given_parts import pooled_elsewhere, sends_in_process
from tradelint.models.resources.borrowing import borrows, lazily_given
from tradelint.models.resources.class_factories import class_factory
from tradelint.models.resources.library_makers import library_maker, module_makers
from tradelint.models.resources.coroutine_makers import returns_a_coroutine
from tradelint.models.resources.nested_holders import nested_holder_spec
from tradelint.models.resources.returns_nothing import returns_nothing
from tradelint.models.resources.walked_elements import walk_keeps
from tradelint.models.resources.returned_parts import awaits_a_method, given_made_here, made_holder, only_used_through, returned_part, unowned_paths_fit, unpacked_once

BuiltinSpec = Callable[[str], "ResourceSpec | None"]


def module_factories(module: ModuleInfo, builtin_spec: BuiltinSpec, model: OwnershipModel) -> dict[str, ResourceSpec]:
    """The module's own functions that make a library resource and hand it to the caller:
    every ``return`` returns a new one (``def make_session(): return ClientSession(...)``).
    A call of one is a creation of that resource, owned by the caller."""
    found: dict[str, ResourceSpec] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and module.top_level.get(stmt.name) is stmt:
            spec = factory_spec(module, stmt, builtin_spec, model) or elements_spec(module, stmt, builtin_spec, model)
            if spec is not None:
                found[stmt.name] = spec
    return found


def imported_factory(module: ModuleInfo, func: ast.Name | ast.Attribute, builtin_spec: BuiltinSpec, model: OwnershipModel) -> ResourceSpec | None:
    """``from .http import make_session``: the resource the first-party function returns.
    Judged once per run and function (the verdict depends on the function and on what it
    names, never on the caller)."""
    return _judged_once(module, func, "resource-factory", lambda home, function: factory_spec(home, function, builtin_spec, model))


def _judged_once(
    module: ModuleInfo, func: ast.Name | ast.Attribute, kind: str,
    judge: Callable[[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef], ResourceSpec | None],
) -> ResourceSpec | None:
    """``judge``'s verdict on the first-party function ``func`` names, in the module defining it,
    kept in the project's memo under ``kind`` once per run and function."""
    named = definition_of(module, func)
    if named is None or named[1].kind not in ("function", "async_function"):
        return None  # (``await connect(host)``, an async maker imported by name, alike)
    memo = module.project.class_memo
    key = (kind, named[0].path, named[0].digest, named[1].line)
    if key in memo:
        return cast("ResourceSpec | None", memo[key])
    memo[key] = None  # a factory that calls itself
    spec = None
    target = resolve_definition(module, func)
    if target is not None and isinstance(target[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
        spec = judge(target[0], target[1])
    memo[key] = spec
    return spec


def module_function_factory(
    module: ModuleInfo,
    call: ast.Call,
    memo: dict[tuple[str, str], ResourceSpec | None],
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
) -> ResourceSpec | None:
    """``redis = prerequisites.get_redis()``: a first-party module's function named through the
    module, judged as when imported by name (:func:`imported_factory`); ``memo`` keeps one answer
    per (module name, function name) of the asking module."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr[:1].islower()):
        return None
    pair = (func.value.id, func.attr)
    if pair not in memo:  # (``registry.get_enabled_connectors(config)``: a maker of a collection of them too)
        memo[pair] = imported_factory(module, func, builtin_spec, model) or elements_factory(module, func, builtin_spec, model)
    return memo[pair]


def self_method_factory(
    module: ModuleInfo,
    call: ast.Call,
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    resources: tuple[tuple[str, str], ...] = (),
) -> ResourceSpec | None:
    """``redis = await self.get_redis(crawl_id)`` where the class's own (or a base's) ``get_redis``
    returns a new resource on every path (webrecorder/browsertrix ``2e73148b``): the caller made
    it and owns it, as with a module-level factory. Judged once per class and method name."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"):
        return None
    # Only where a creation can be judged: bound (``x = [await] self.m()``, ``x, y = ...``, ``self.x =
    # loop.run_until_complete(self.m())``, annotated or not), entered (``async with self.m() as x``), or
    # kept as an element (``self.x[k] = self.m()``, ``self.x = {k: self.m() for k in keys}``), as a
    # call of a module's maker is judged there; a project's other ``self.m()`` calls are left unasked.
    value: ast.expr = call
    holder = module.parent(call)
    if isinstance(holder, ast.Await) or _run_to_completion(holder, call):
        value, holder = holder, module.parent(holder)
    if not (
        (isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], (ast.Name, ast.Attribute, ast.Tuple, ast.Subscript)))
        or (isinstance(holder, ast.AnnAssign) and isinstance(holder.target, (ast.Name, ast.Attribute)))  # ``self.db: Pool = ...``
        or isinstance(holder, ast.withitem)
        or built_with(module, value) is not None
    ):
        return None
    method = module.enclosing_function(call)
    cls = module.parent(method) if method is not None else None
    if method is None or not isinstance(cls, ast.ClassDef) or not method.args.args or method.args.args[0].arg != func.value.id:
        return None
    memo = module.project.class_memo
    key = ("self-factory", cls, func.attr)
    if key not in memo:
        memo[key] = None  # a maker that calls itself
        # The class's own methods first: its bases (other modules) only for a method it does not
        # define, in ``class_and_bases``'s order (``family_facts``), each judged once per run.
        # A library resource only, unless every ``return`` constructs a class (``_constructs``):
        # a first-party type's maker is asked of its class's own rules, and resolving every
        # ``return`` of every method called on ``self`` (most return none) would parse half the project.
        own = _own_method(cls, func.attr)
        if own is not None:
            memo[key] = factory_spec(module, own, builtin_spec, model, library_only=not _constructs(own)) or elements_spec(module, own, builtin_spec, model)
        else:
            memo[key] = _base_method_factory(module, cls, func.attr, builtin_spec, model, resources)
    return cast("ResourceSpec | None", memo[key])


# ``Project.lasting``'s kind for a base class's method judged by ``self_method_factory``: (path,
# digest, class line, method, configured resources, the asking module's package) -> its spec.
# The verdict rests on the method's own code and on the library table as seen from the asking
# package (``library_resource``), not on the subclass: a base every ccxt exchange derives from
# had each of its methods judged again, its 450 KB module parsed again, for every exchange.
BASE_MAKER = "self-factory-base"


def _base_method_factory(
    module: ModuleInfo,
    cls: ast.ClassDef,
    name: str,
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    resources: tuple[tuple[str, str], ...],
) -> ResourceSpec | None:
    """The spec of the first base of ``cls`` (``class_and_bases``'s order) whose body defines
    ``name``: found from the summaries; the base's tree is read only to judge a method once."""
    package = module.module_name.partition(".")[0] if module.module_name else None
    lasting = module.project.lasting
    for summary, facts in family_facts(module, cls)[1:]:
        if name not in facts.methods:  # the names its body defines, as ``_own_method`` reads them
            continue
        key = (BASE_MAKER, summary.path, summary.digest, facts.line, name, resources, package)
        if key in lasting:
            return cast("ResourceSpec | None", lasting[key])
        found = class_node(module, summary, facts)
        maker = _own_method(found[1], name) if found is not None else None
        if found is None or maker is None:
            continue
        spec = factory_spec(found[0], maker, builtin_spec, model, library_only=not _constructs(maker))
        lasting[key] = spec
        return spec
    return None


def _constructs(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every ``return`` of ``function`` (one at least) returns a call of a capitalized name: a
    constructor (``return SseClient(config)``, one of several by configuration: letta-ai/letta
    ``c38b1f59``), cheap to resolve, so its maker is asked of first-party types too."""
    returns = [node.value for node in exits(function) if isinstance(node, ast.Return)]
    return bool(returns) and all(
        isinstance(value, ast.Call)
        and isinstance(value.func, (ast.Name, ast.Attribute))
        and (
            capword(value.func.id if isinstance(value.func, ast.Name) else value.func.attr)
            # ``return BBOTAsyncClient.from_config(config)``: a class's own factory method.
            or (isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Name) and capword(value.func.value.id))
        )
        for value in returns
    )


def _own_method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method of that name in the class body (its last definition, as Python keeps it)."""
    return class_method(cls, name)




def factory_spec(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    *,
    library_only: bool = False,
) -> ResourceSpec | None:
    """The resource every ``return`` of ``function`` makes, if one kind of it: a library
    resource of the table, or instances of first-party resource types released alike
    (``create_client()`` returning an ``SshClient`` or a ``UbusClient``, each closed by
    ``await client.disconnect()``), or a first-party holder made around a resource made here
    (``return Api(ClientSession())``, whose ``close()`` closes what it is given). Returned in a
    tuple (``return client, credentials``), the resource is the same element of every one
    (``ResourceSpec.part``), ``None`` there on the paths that make none."""
    if result_cached(function):
        return None  # ``@lru_cache def get_client()``: callers share one (:mod:`.cached_getters`)
    if returns_nothing(function):
        return None  # only functions nested in it return what they make
    specs: list[ResourceSpec] = []
    # First-party classes returned on other paths that hold nothing themselves, by their methods:
    # ``create_client()`` returning a ``UbusClient`` (an aiohttp session) or an ``SshClient``
    # (paramiko), both ended by ``disconnect()``: the caller must call it whichever it gets; one
    # without it (``NullNotifier``) leaves the resource the caller's where it gets one (``some_paths``).
    others: list[frozenset[str]] = []
    # ``redis = await aioredis.from_url(url); await redis.ping(); return redis``, and ``return None``
    # on an error path (the caller owns what it gets when it gets one).
    bound = plain_assignments(function)
    maybe_none = False
    empty: list[ast.Tuple] = []  # ``return None, None``: returned tuples that hold no resource
    held: list[ast.Tuple] = []  # the returned tuples that hold it
    for node in exits(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            value = node.value
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                maybe_none = True
                continue
            if isinstance(value, ast.Tuple):
                part = returned_part(value, lambda element: _returned(module, function, element, bound, builtin_spec, model, library_only))
                if part is None:
                    return None
                if part[1] is None:
                    empty.append(value)
                else:
                    specs.append(part[1])
                    held.append(value)
                continue
            made = _returned(module, function, value, bound, builtin_spec, model, library_only)
            if made is None:
                return None
            if isinstance(made, frozenset):
                others.append(made)
            else:
                specs.append(replace(made, awaited_maker=True) if returns_a_coroutine(module, function, value) else made)
    if not specs or any(spec != specs[0] for spec in specs):
        return None
    if others and specs[0].part is not None:
        return None
    # ``return NullNotifier()`` on the other paths, a class with no ``aclose()``: the caller owns
    # the ``WebhookNotifier`` it gets on the path that makes one all the same.
    some_paths = not all(specs[0].close in methods for methods in others)
    if empty:
        index = specs[0].part
        unowned = unowned_paths_fit(module, function, held, empty, index) if index is not None else None
        if unowned is None:
            return None
        maybe_none = True
        specs[0] = replace(specs[0], unless_given=unowned[0], owned_flag=unowned[1])
    return replace(specs[0], maybe_none=maybe_none or specs[0].maybe_none, some_paths=some_paths)


def _returned(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    value: ast.expr,
    bound: dict[str, list[ast.Assign]],
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    library_only: bool,
) -> ResourceSpec | frozenset[str] | None:
    """What one returned value is: the spec of the resource it is, made here; the methods of a
    first-party class that holds nothing itself (``factory_spec``'s ``others``); None for
    anything else."""
    opened = False
    if isinstance(value, ast.Name) and kept_across_calls(module, function, value.id):
        return None  # ``if _client is None: _client = Client()``, then ``return _client``: lent
    if isinstance(value, ast.Name) and value.id not in bound and (unpacked := unpacked_once(module, function, value.id)) is not None:
        # ``reader, writer = await asyncio.open_connection(host, port); ...; return reader, writer``:
        # the element of what the maker returns that is the resource, handed on as it came.
        if not only_used_through(module, function, value.id):
            return None
        index, made = unpacked
        spec = _returned(module, function, made, bound, builtin_spec, model, library_only)
        return replace(spec, part=None) if isinstance(spec, ResourceSpec) and spec.part == index else None
    if isinstance(value, ast.Name) and len(bound.get(value.id, ())) == 1:
        if not only_used_through(module, function, value.id):
            return None  # ``self.addAsyncCleanup(session.close)``: the maker keeps a hand on it
        opened = awaits_a_method(module, function, value.id)
        value = bound[value.id][0].value
    if isinstance(value, ast.Await):
        value = passed_through(module, value.value)  # (also ``await asyncio.wait_for(make(), t)``)
    if not isinstance(value, ast.Call):
        return None
    # ``return await self.browser.new_context()``, ``ws = await session.ws_connect(url); return
    # ws``: a library's maker on a receiver it may be called on counts, as where it is called.
    spec = _library_spec(module, value, builtin_spec)
    if spec is None and library_only:
        return None
    if spec is None and isinstance(value.func, ast.Name) and value.func.id != function.name:
        # ``return make_ipfs_client(host, port)``: another function of the project that
        # makes one on every path (judged once per function).
        spec = imported_factory(module, value.func, builtin_spec, model)
    if spec is None:
        found = model.first_party_type(module, value.func)
        if found is None and (chained := _chained_maker(module, value.func, builtin_spec, model)) is not None:
            spec = chained
        elif found is None:
            # ``return BrowserState(pw=pw, ...)``: a holder that closes what it is given, given
            # a resource made here; it owns it from now on, and the caller owns the holder.
            fresh = lambda call: made_here(module, function, call, builtin_spec, model)  # noqa: E731
            held = made_holder(module, function, value, model, fresh) or nested_holder_spec(module, model, function, value, fresh)
            if held is not None:
                return held  # (also through the parts it keeps: ``return Device(Config(session))``)
            return _class_methods(module, value.func)
        else:
            # (with the parameters through which it borrows what it would otherwise make, as a
            # call of the class is judged where it is written: ``return Client(session=shared)``)
            spec = replace(first_party_spec(found.release, lazy=found.lazy, awaited=found.awaited), lends=lazily_given(module, value.func, model))
    if (spec.given and wraps_given(value, spec) and not _owns_what_it_is_given(module, function, value, spec, builtin_spec, model)) or borrows_its_parts(
        module, value, spec
    ):
        return None  # ``return Redis(connection_pool=POOL)``: a client of a pool it did not make
    if opened and spec.lazy:
        # ``connection = Connection(); await connection.connect(host); return connection``:
        # a lazy type's maker that awaited a method of it hands on one already in use.
        spec = replace(spec, lazy=False)
    return spec


def _owns_what_it_is_given(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.Call, spec: ResourceSpec, builtin_spec: BuiltinSpec, model: OwnershipModel
) -> bool:
    """``return AsyncOpenAI(http_client=httpx.AsyncClient())``: a library wrapper given a resource
    the maker made for it there owns it, as where such a call is made in place (``given_own``):
    the maker's caller owns the wrapper."""
    if not spec.library:
        return False
    return given_made_here(module, function, value, spec.given, lambda call: made_here(module, function, call, builtin_spec, model)) == ()


def _chained_maker(module: ModuleInfo, func: ast.expr, builtin_spec: BuiltinSpec, model: OwnershipModel) -> ResourceSpec | None:
    """What a returned call of another first-party maker makes, followed to any depth: a class or
    static method of a first-party class (``return Factory.create(url)``,
    :func:`class_factories.class_factory`) or a function named through its module (``return
    makers.make_session()``)."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    if capword(func.value.id):
        return class_factory(module, func, builtin_spec, model, MAKERS)
    made = imported_factory(module, func, builtin_spec, model) if func.attr[:1].islower() else None
    # ``return await dialer.connect()`` of a parameter annotated ``Dialer`` (or a local made
    # ``Dialer(...)``): what the method of a receiver of a proven first-party class makes, as the
    # caller of that method would have it (``class_factories.kept_instance_factory``).
    return made if made is not None else class_factory(module, func, builtin_spec, model, MAKERS)


def _library_spec(module: ModuleInfo, call: ast.Call, builtin_spec: BuiltinSpec) -> ResourceSpec | None:
    """The library resource ``call`` makes: a type or factory of the table by its name, a class
    given one (``class_given_spec``), or a library object's maker on its receiver (``pw = await
    async_playwright().start()``, ``await session.ws_connect(url)``)."""
    qualified = module.imports.qualify(call.func)
    spec = builtin_spec(qualified) if qualified is not None else None
    if spec is None:
        spec = class_given_spec(module, call, builtin_spec)
    if spec is None and isinstance(call.func, ast.Attribute):
        spec = library_maker(module, call, module_makers(module), builtin_spec)
    return spec


def made_here(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel
) -> bool:
    """Whether ``call`` (in ``function``) makes a new resource: a library resource of the table
    (not one that wraps or borrows what it is given), an instance of a first-party resource type,
    or what another first-party maker makes for its caller on every path, whatever its kind (a
    function, a method of ``self`` or of a receiver of a proven class, a class or static method:
    :func:`first_party_maker`), whole (not an element of a tuple, not one it hands back only
    unless given one)."""
    spec = _library_spec(module, call, builtin_spec)
    if spec is None:
        found = model.first_party_type(module, call.func)
        spec = first_party_spec(found.release, lazy=found.lazy, awaited=found.awaited) if found is not None else None
    if spec is None:
        made = first_party_maker(module, function, call, builtin_spec, model)
        return made is not None and not made.holds and made.part is None and not made.unless_given and made.owned_flag is None
    return spec is not None and not spec.holds and not (spec.given and wraps_given(call, spec)) and not borrows_its_parts(module, call, spec)


def first_party_maker(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel
) -> ResourceSpec | None:
    """What the first-party callee of ``call`` (in ``function``) makes for its caller on every
    path, judged once by its body whatever its kind: a function named or named through its module
    (:func:`imported_factory`), a method of ``self`` (:func:`self_method_factory`), a class or
    static method, or a method of a receiver whose first-party class is proven
    (:func:`_chained_maker`). None for anything else (``function`` itself, a library call)."""
    func = call.func
    if isinstance(func, ast.Name):
        return imported_factory(module, func, builtin_spec, model) if func.id != function.name else None
    if not isinstance(func, ast.Attribute):
        return None
    if isinstance(func.value, ast.Name) and isinstance(module.parent(function), ast.ClassDef) and function.args.args and func.value.id == function.args.args[0].arg:
        return self_method_factory(module, call, builtin_spec, model) if func.attr != function.name else None
    return _chained_maker(module, func, builtin_spec, model) or class_factory(module, func, builtin_spec, model, MAKERS)


class _Makers:
    """This module's judgements as :mod:`.class_factories` asks them (``FunctionMaker``): a class's
    method and a module's function are judged by the same rules."""

    def __call__(self, module: ModuleInfo, func: ast.Name | ast.Attribute, builtin_spec: BuiltinSpec, model: OwnershipModel, /) -> ResourceSpec | None:
        return imported_factory(module, func, builtin_spec, model)

    def made_here(
        self, module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, builtin_spec: BuiltinSpec, model: OwnershipModel, /
    ) -> bool:
        return made_here(module, function, call, builtin_spec, model)


MAKERS = _Makers()


def given_own(
    module: ModuleInfo, call: ast.Call, params: tuple[tuple[str, int], ...], spec_of: Callable[[ast.Call], ResourceSpec | None]
) -> bool:
    """Whether ``call`` passes for one of ``params`` a resource made for it, which it then owns:
    one made in place (``Wrapper(ClientSession())``), directly or through a local bound once
    (``session = ClientSession(); Wrapper(session)``); not one it is lent (a parameter, an
    attribute, what another function provides)."""
    function = module.enclosing_function(call)
    if _handed_on(module, call, function):
        return False
    values = [k.value for k in call.keywords if any(k.arg == name for name, _ in params)]
    values += [call.args[position] for _, position in params if 0 <= position < len(call.args)]
    for value in values:
        if isinstance(value, ast.Name) and function is not None:
            value = bound_once(function, value.id) or value
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            continue
        spec = spec_of(value)
        if spec is None and _made_of_an_unread_class(module, value):
            return True  # the taker's own release says what it is given must be released
        if spec is None or spec.takes or spec.holds or (spec.given and wraps_given(value, spec)):
            continue
        if not borrows_its_parts(module, value, spec):
            return True
    return False


def _made_of_an_unread_class(module: ModuleInfo, value: ast.Call) -> bool:
    """``plugin.BMS(device)``: a class's construction (a CapWords callee) picked at run time (an
    attribute of a module or registry a name is bound to, no import names it), made in place for
    the owner it is handed to. Its code cannot be read, but that owner's release closes what it
    is given: the object holds something to release, and the owner made with it owns it
    (patman15/BMS_BLE-HA ``dbe7565e``: a coordinator given a plugin's BLE client, stopped only by
    its ``stop()``). A class an import names is known by its code or the library table, and
    one they do not call a resource is none (discord.py's ``PCMVolumeTransformer``, whose
    ``cleanup()`` the voice client runs itself), and so is a class defined in the function around
    the call (a test's ``StubThirdPartyService``: hanchiang/market-data-notification)."""
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if not capword(name) or "mock" in name.lower():
        return False  # (``async_mock.CoroutineMock()``: a test's stand-in)
    if isinstance(func, ast.Name) and any(
            isinstance(n, ast.ClassDef) and n.name == name for scope in module.ancestors(value) if isinstance(scope, FUNCTION_NODES)
            for n in own_nodes(scope)):
        return False  # (a class the test defines beside the call, ``StubThirdPartyService()``: its code is read)
    return module.imports.qualify(func) is None and definition_of(module, func) is None


def _handed_on(module: ModuleInfo, call: ast.Call, function: ast.AST | None) -> bool:
    """Whether the receiver ``call`` makes goes on to another holder (given to a call, put in
    a container, returned, stored under another name): what keeps it then decides who ends it
    (a coordinator whose ``ac_infinity`` the unload closes), which is not followed here."""
    use = classify(module, call)
    if use.kind in ("argument", "container", "return"):
        return function is None or not kept_for_the_app(module, function, use)
    parent = module.parent(call)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    if function is None:
        return True
    return any(
        (load_use := classify(module, load)).kind in ("argument", "container", "return", "alias")
        and not kept_for_the_app(module, function, load_use)
        for load in name_loads(function, parent.targets[0].id)
    )


def kept_for_the_app(module: ModuleInfo, function: ast.AST, use: Use) -> bool:
    """The use keeps the value where a framework keeps it for the application's (or the config
    entry's) life: ``entry.runtime_data = coordinator`` (or a display or record holding it) in an
    integration's setup, ``app["client"] = client`` / ``app.state.client = client`` in a startup
    hook or an application's builder. That is no hand-off to an unknown holder: the framework's
    paired end (the unload, the shutdown) must release it, and the resource model judges it so."""
    if kept_at_setup(module, function, use.node, use.kind):
        return True
    return use.kind == "alias" and isinstance(function, FUNCTION_NODES) and kept_on_app(module, function, use.node) is not None


def taking_spec(model: OwnershipModel, module: ModuleInfo, func: ast.expr) -> ResourceSpec | None:
    """The spec of a first-party class that keeps and releases what it is given (see
    ``ResourceSpec.takes``), released by its own release method."""
    taken = model.released_params(module, func)
    if taken is None:
        return None
    params, entry = taken
    return ResourceSpec(entry.name, first_party=True, awaited=entry.is_async, coroutine_close=entry.is_async, takes=params)

def borrows_its_parts(module: ModuleInfo, call: ast.Call, spec: ResourceSpec) -> bool:
    """Whether the instance ``call`` makes holds only what others own: a pool it is lent
    (:func:`borrows`), or the part that holds its connections (:func:`pooled_elsewhere`), or a
    part that opens nothing (:func:`sends_in_process`)."""
    return borrows(module, call, spec.lends) or pooled_elsewhere(module, call, spec) or sends_in_process(module, call, spec)


def class_given_spec(module: ModuleInfo, call: ast.Call, builtin_spec: BuiltinSpec) -> ResourceSpec | None:
    """``await establish_connection(BleakClient, device, name)``: an awaited library function
    (imported, not the project's own, not a class) given a resource class as its first argument
    makes an instance of that class, already opened (it holds what it opened from the start).
    Home Assistant's Bluetooth integrations connect so (bleak-retry-connector). (``await
    asyncio.to_thread(Client, ...)`` is read first as the call it runs: :mod:`.ran_makers`.)"""
    if not call.args or isinstance(call.args[0], ast.Starred) or not isinstance(module.parent(call), ast.Await):
        return None
    callee = module.imports.qualify(call.func)
    if callee is None or callee.rpartition(".")[2][:1].isupper() or definition_of(module, call.func) is not None:
        return None
    given = module.imports.qualify(call.args[0])
    spec = builtin_spec(given) if given is not None and given.rpartition(".")[2][:1].isupper() else None
    return replace(spec, lazy=False) if spec is not None else None


def _class_methods(module: ModuleInfo, func: ast.expr) -> frozenset[str] | None:
    """The methods a first-party class and its first-party bases define; None for anything else."""
    found = class_named(module, func)
    if found is None:
        return None
    facts = found[1]
    return frozenset(name for _, member in lineage(module.project, found[0], facts) for name in member.methods)


def maker_function_close(
    model: OwnershipModel, summary: ModuleSummary, ref: tuple[str, str], builtin_spec: BuiltinSpec
) -> tuple[str, bool] | None:
    """How what a first-party function returns is released, for a class that keeps its result
    (``self._session = client_session(...)`` where hailtop's ``client_session()`` returns an
    ``aiohttp.ClientSession``): (close, awaited) of the resource every ``return`` of it makes
    (:func:`factory_spec`), or None. The class is then a resource type as if it made it itself."""
    kind, name = ref
    project = model.project
    found = (summary, summary.defined(name)) if kind == "local" else project.resolve(name, project.locate(project.absolute(summary.path))[1])
    home, definition = found if found is not None else (summary, None)
    if definition is None or definition.kind not in ("function", "async_function"):
        return None
    memo = project.class_memo
    key = ("maker-close", home.path, home.digest, definition.line)
    if key in memo:
        return cast("tuple[str, bool] | None", memo[key])
    memo[key] = None  # a maker that reaches itself
    module = project.module_at(Path(home.path))
    function = next((node for node in (module.tree.body if module is not None else ())
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == definition.line), None)
    spec = factory_spec(module, function, builtin_spec, model) if module is not None and function is not None else None
    memo[key] = found_close = (spec.close, spec.awaited) if spec is not None and not spec.holds and spec.part is None else None
    return found_close


def elements_factory(module: ModuleInfo, func: ast.Name | ast.Attribute, builtin_spec: BuiltinSpec, model: OwnershipModel) -> ResourceSpec | None:
    """``from .registry import get_enabled_connectors``: the spec of the resources the
    first-party function returns as the elements of a new collection (:func:`elements_spec`),
    judged once per run and function as :func:`imported_factory` judges its makers."""
    return _judged_once(module, func, "elements-factory", lambda home, function: elements_spec(home, function, builtin_spec, model))


def elements_spec(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, builtin_spec: BuiltinSpec, model: OwnershipModel,
) -> ResourceSpec | None:
    """The resource each element of what ``function`` returns is, with ``elements`` set, when it
    returns on every path one local collection it made (a display, ``list()``, or a
    comprehension), or an empty display, and fills that collection only with resources it makes
    there (``connectors.append(OpenMeteoConnector(config))``, ``clients[host] = Client(host)``),
    alike released; the function may test, count, log or walk the collection (through a use that
    is no release: ``[c.name for c in connectors]``) and must hand it on nowhere else. None
    otherwise (``factory_spec`` judges a maker of one resource)."""
    if result_cached(function):
        return None
    names: set[str] = set()
    for node in exits(function):
        if module.enclosing_function(node) is not function:
            continue
        value = node.value if isinstance(node, ast.Return) else None
        if isinstance(node, (ast.Yield, ast.YieldFrom)) or value is None:
            return None
        if isinstance(value, (ast.List, ast.Set, ast.Dict)) and not (value.keys if isinstance(value, ast.Dict) else value.elts):
            continue  # ``return []``: nothing made on that path
        if not isinstance(value, ast.Name):
            return None
        names.add(value.id)
    if len(names) != 1:
        return None
    name = names.pop()
    bound = plain_assignments(function)
    made: list[ast.expr] = []  # the values kept as elements
    for statement in own_nodes(function):
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if not any(isinstance(t, ast.Name) and t.id == name for t in targets):
            continue
        value = statement.value
        if isinstance(value, (ast.ListComp, ast.SetComp)):
            made.append(value.elt)
        elif isinstance(value, ast.DictComp):
            made.append(value.value)
        elif isinstance(value, (ast.List, ast.Set)):
            made += value.elts
        elif isinstance(value, ast.Dict):
            made += value.values
        elif not made_empty(value):
            return None
    for load in name_loads(function, name):
        parent = module.parent(load)
        if isinstance(parent, ast.Return):
            continue
        added = _added_element(module, load)
        if added is not None:
            made.append(added)
        elif not (kept_to_frame(module, load) or walk_keeps(module, load, ())):
            return None
    specs = [_returned(module, function, value, bound, builtin_spec, model, False) for value in made]
    first = specs[0] if specs else None
    if not isinstance(first, ResourceSpec) or first.part is not None or any(not isinstance(s, ResourceSpec) or s.close != first.close for s in specs):
        return None
    return replace(first, elements=True)


def _added_element(module: ModuleInfo, load: ast.expr) -> ast.expr | None:
    """``connectors.append(X)``, ``clients[key] = X``: the element ``X`` a store through the
    collection ``load`` adds."""
    parent = module.parent(load)
    call = module.parent(parent) if isinstance(parent, ast.Attribute) else None
    if isinstance(call, ast.Call) and isinstance(parent, ast.Attribute) and call.func is parent and parent.attr in ONE_ELEMENT_ADDERS and len(call.args) == 1:
        return call.args[0]
    if isinstance(parent, ast.Subscript) and parent.value is load and isinstance(parent.ctx, ast.Store):
        stmt = module.parent(parent)
        if isinstance(stmt, ast.Assign) and stmt.targets == [parent]:
            return stmt.value
    return None
