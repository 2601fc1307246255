"""Creation kinds of the resource model: where a made resource is kept (a local, ``self``, a
collection, a handed-on call, an application global, a framework's store) and so who must close it."""

from __future__ import annotations

import ast
from typing import cast

from tradelint.facts.context import ModuleInfo, cast_of
from tradelint.facts.coordinator_ends import ended_by_its_entry
from tradelint.facts.framework_ends import kept_by_integration, kept_name
from tradelint.facts.given_back import given_back
from tradelint.facts.owned_elements import added_to, built_with
from tradelint.facts.holders import value_holding
from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.uses import (
    assigned_to, declares_outer, is_awaited_call,
    self_name,
)
from tradelint.models.resources.null_pool import pools_nothing
from tradelint.models.resources.borrowed_views import holds_nothing_of_its_own
from tradelint.models.resources.walked_elements import walk_keeps
from tradelint.models.resources.class_attributes import class_attribute_store
from tradelint.models.resources.consumed_generators import closed_by_every_consumer
from tradelint.models.resources.process_globals import kept_for_the_process
from tradelint.models.resources.keyed import key_on_self
from tradelint.models.resources.creation_shapes import awaited_through_wrapper, chained_self_binding, entered_by_hand, owner_creation, part_creation
from tradelint.models.resources.receivers import receiver_closes
from tradelint.models.resources.proofs import (
    callee_name, module_cache_of, kept_on_self,
    names_class,
)
from tradelint.models.resources.eager_defaults import eager_default
from tradelint.models.resources.resource_types import (
    CLOSE_METHODS, OWNERSHIP_TAKERS,
    Creation, ResourceSpec,
)
from tradelint.facts.app_startup import application_global, kept_from_startup
from tradelint.facts.frame_collections import dies_with_frame
from tradelint.models.resources.statements import (
    _closure_method, _default_of, _handed_to, _is_async_generator, _lent_for_a_block, _module_collection, _run_to_completion, _set_on_self, _unpacked_name, _yields_inside,
)
from collections.abc import Callable


def creation_of(module: ModuleInfo, model: OwnershipModel, builtin_spec: Callable[[str], ResourceSpec | None], call: ast.Call, spec: ResourceSpec) -> Creation | None:
    """What kind of creation ``call`` is (a local, kept on ``self``, an element, handed on, ...),
    where it is kept and by whom: ``None`` where it is no resource of ours to judge."""
    if pools_nothing(module, call, spec.close):
        return None  # an engine on a ``NullPool`` keeps no connection: nothing to release
    if holds_nothing_of_its_own(module, model, call, spec):
        return None  # a wrapper of the process's stdout, a view over parts its maker was lent
    if spec.first_party and ended_by_its_entry(module, call, spec.close):
        return None  # a coordinator whose ``async_shutdown()`` its config entry runs at every end
    label = ast.unparse(call.func)
    if spec.elements:
        return _made_elements(module, call, spec, label)
    through = awaited_through_wrapper(module, call)  # ``await asyncio.wait_for(websockets.connect(url), 10)``
    if spec.part is not None or (spec.awaited_maker and not isinstance(module.parent(call), ast.Await) and through is None):
        return part_creation(module, call, spec, label) if spec.part is not None else None  # (``coro = loop.create_server()``)
    expr: ast.expr = call
    parent = module.parent(call)
    if (entered := entered_by_hand(module, call)) is not None:
        expr, parent = entered, module.parent(entered)  # ``await ClientSession().__aenter__()``
    elif through is not None:
        expr, parent = through, module.parent(through)  # (the wrapper's result is the awaited maker's)
    elif isinstance(parent, ast.Await) or _run_to_completion(parent, call):  # (the loop runs it to its end)
        expr, parent = parent, module.parent(parent)
    while (back := parent if isinstance(parent, ast.Call) and cast_of(module, parent, expr) else given_back(module, expr)) is not None:
        # ``cast(T, ClientSession())`` is the session; so is ``wrap(ClientSession())`` of a
        # function that returns what it is given (:mod:`tradelint.facts.given_back`).
        expr, parent = back, module.parent(back)
    scope = module.enclosing_scope(call)
    if scope is None or (isinstance(scope, ast.ClassDef) and module.enclosing_function(scope) is None):
        if spec.needs_loop:
            return Creation(call, spec, label, "import_time", call)
        kept = application_global(module, expr) if scope is None and not spec.first_party else None  # (its module ends an application)
        process = kept_for_the_process(module, expr, spec.lazy) if kept is None and (spec.library or not spec.first_party) else None  # (another does)
        return Creation(call, spec, label, "app_global", kept, kept.targets[0].id) if kept else Creation(call, spec, label, "process_global", *process) if process else None  # type: ignore[attr-defined]
    function = module.enclosing_function(call)
    if function is None or scope is not function:
        return None  # inside a lambda or a nested class body: ownership is not ours to judge
    if spec.holds:
        return owner_creation(module, call, expr, spec, label, function)
    if isinstance(parent, (ast.Attribute, ast.Expr)) and spec.first_party:
        # ``await Factory().get_connection()``: a first-party type's inline use is judged by
        # what it does, which this does not follow.
        return None
    if isinstance(parent, ast.Attribute) and parent.value is expr:
        if spec.lazy and parent.attr == "describe":
            return None  # ``ccxt.pro.hollaex().describe()``: metadata only, no session opened
        closing = module.parent(parent)
        if (
            (parent.attr in CLOSE_METHODS or parent.attr == spec.close)
            and isinstance(closing, ast.Call)
            and closing.func is parent
            and isinstance(module.parent(closing), ast.Await)
        ):
            return None  # ``await ClientSession().close()``: made and closed in one expression
        return Creation(call, spec, label, "inline", call, function=function)
    if isinstance(parent, ast.Expr):
        return Creation(call, spec, label, "inline", call, function=function)
    if (lookup := eager_default(module, expr)) is not None:  # ``kwargs.get("session", ClientSession())``
        return Creation(call, spec, label, "eager_default", call, lookup, function)
    if isinstance(parent, ast.withitem) and parent.context_expr is expr:
        if _is_async_generator(function) and _yields_inside(module, parent) and not closed_by_every_consumer(module, function):
            return Creation(call, spec, label, "generator", call, function=function)
        return None
    if _lent_for_a_block(module, function, expr):
        return Creation(call, spec, label, "yielded", call, function=function)
    if (held := kept_by_integration(module, function, value_holding(module, expr))) is not None:
        return Creation(call, spec, label, "integration", held, kept_name(held), function)
    kept = kept_from_startup(module, expr, function)
    if kept is not None:
        return Creation(call, spec, label, "startup", kept, ast.unparse(kept.targets[0]), function)
    collection = added_to(module, expr) or built_with(module, expr)
    if collection is not None:
        # ``self._sessions[key] = ClientSession()`` (or ``self._sessions = {key: ClientSession()
        # for key in keys}``): the class owns every element.
        receiver = self_name(function)
        owner = module.parent(function)
        if (
            isinstance(collection, ast.Attribute)
            and isinstance(collection.value, ast.Name)
            and collection.value.id == receiver
            and isinstance(owner, ast.ClassDef)
        ):
            statement = next(a for a in module.ancestors(call) if isinstance(a, ast.stmt))
            return Creation(call, spec, label, "self_elements", statement, collection.attr, function, owner)
        if isinstance(collection, ast.Name) and _module_collection(module, function, collection.id):
            # ``SESSIONS[timeout] = ClientSession()``: a module-level cache owns every element.
            statement = next(a for a in module.ancestors(call) if isinstance(a, ast.stmt))
            return Creation(call, spec, label, "global_elements", statement, collection.id, function)
        if isinstance(collection, ast.Name) and dies_with_frame(module, function, collection.id, lambda load: walk_keeps(module, load, (spec.close, *spec.ends))):
            return Creation(call, spec, label, "local_elements", call, collection.id, function)
        if (key := key_on_self(module, function, expr)) is not None:  # ``self["s"] = ClientSession()``
            return Creation(call, spec, label, "self_key", module.parent(expr), key, function, owner)  # type: ignore[arg-type]
        return None
    if (attr := _set_on_self(module, function, expr)) is not None:
        return Creation(call, spec, label, "self", call, attr, function, cast(ast.ClassDef, module.parent(function)))
    handed = _handed_to(module, expr)
    owner = module.parent(function)
    if handed is not None and isinstance(owner, ast.ClassDef):
        # ``super().__init__(api_client=ApiClient())``: the base keeps it on ``self``, so the
        # class owns it as if it had stored it itself (NexusTrader's connector leak).
        attr = model.stored_by_base_init(module, owner, function, handed, expr)
        if attr is not None:
            return Creation(call, spec, label, "self", call, attr, function, owner)
    if handed is not None:
        closes = receiver_closes(model, builtin_spec, module, handed, expr)
        if closes is False:
            return Creation(call, spec, label, "handed", call, ast.unparse(handed.func), function)
        if (
            closes is None
            and not spec.first_party
            and is_awaited_call(module, handed)
            and expr is call
            and names_class(call)
            and callee_name(handed) not in OWNERSHIP_TAKERS
        ):
            # ``await doorbell.get_image(ClientSession())``: an awaited call borrows what it is
            # given, as it does a named session, and returns with nothing left to close it.
            # (``wait_for(websockets.connect(url), 10)`` hands on an awaitable, not the
            # connection: what a function returns is not the resource until awaited.)
            return Creation(call, spec, label, "inline", call, function=function)
        return None
    if isinstance(parent, ast.Tuple):
        # ``a, b = ClientSession(), ClientSession()``: each element is a local of its own.
        name = _unpacked_name(module, parent, expr)
        if name is None:
            return None
        stmt = module.parent(parent)
        assert isinstance(stmt, ast.Assign)
        return Creation(call, spec, label, "local", stmt, name, function)
    outer = _closure_method(module, function)
    if outer is not None:
        # ``async def init(): self.session = ClientSession()`` inside ``__init__``, run with
        # ``loop.run_until_complete(init())`` (PikalaxBOT): ``self`` is the method's.
        found = assigned_to(module, expr, outer)
        if found is not None and found.kind == "self":
            return Creation(call, spec, label, "self", found.stmt, found.name, outer, found.cls)
    binding = assigned_to(module, expr, function) or chained_self_binding(module, expr, function)  # ``s = self.s = X()``
    default = _default_of(module, expr)
    if binding is None and default is not None:
        # ``self.s = session or ClientSession()``, ``client = AsyncClient() if c is None else
        # c``: when none is given, the one made here is ours, and something must close it
        # (on the branch that made it; a close of the name on any path counts).
        binding = assigned_to(module, default, function)
        if binding is None:
            return None
    if binding is None:
        # ``Service.modem = Modem(...)``: the class's own, shared by every instance (:mod:`.class_attributes`).
        on_class = class_attribute_store(module, expr, function)
        return Creation(call, spec, label, "class_attr", on_class[0], on_class[1], function, on_class[2]) if on_class else None
    if binding.kind == "local":
        cache = module_cache_of(module, function, binding.name)
        if cache is not None and not declares_outer(function, binding.name):
            # ``client = AsyncClient(); _CLIENTS["k"] = client; return client``: the
            # module-level cache owns it (the getter lends it), and code of the module must
            # close the cache's elements.
            return Creation(call, spec, label, "global_elements", binding.stmt, cache, function)
        kept_in = kept_on_self(module, function, binding.name)
        if kept_in is not None and not declares_outer(function, binding.name):
            # ``client = Client(); self._clients[key] = client`` (BeeHive-Cogs' TikTok clients)
            # or ``self.client = client``: kept by the instance, whatever the local does meanwhile.
            return Creation(call, spec, label, kept_in[0], binding.stmt, kept_in[1], function, cast(ast.ClassDef, module.parent(function)))
        return Creation(call, spec, label, "local", binding.stmt, binding.name, function)
    if any(isinstance(d, ast.Name) and d.id == "classmethod" for d in function.decorator_list):
        # ``cls._shared = Client()``: an attribute of the class, shared by every instance, is
        # no instance's to release (ending it in ``close()`` would end it for all of them); the
        # program's, as a module global is (:mod:`.class_attributes`).
        on_class = class_attribute_store(module, expr, function)
        return Creation(call, spec, label, "class_attr", on_class[0], on_class[1], function, on_class[2]) if on_class else None
    return Creation(call, spec, label, "self", binding.stmt, binding.name, function, binding.cls)


def _made_elements(module: ModuleInfo, call: ast.Call, spec: ResourceSpec, label: str) -> Creation | None:
    """``connectors = get_enabled_connectors(config)``: a maker's new collection of resources
    (``ResourceSpec.elements``) kept in a local that dies with the frame, whose walks keep the
    elements to it (:mod:`.walked_elements`), or walked there alike (``for c in get_enabled_connectors(config):``);
    None anywhere else (handed on, kept, returned)."""
    stmt = module.parent(call)
    function = module.enclosing_function(call)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or module.enclosing_scope(call) is not function:
        return None
    if walk_keeps(module, call, (spec.close, *spec.ends)):  # ``for connector in get_enabled_connectors(config):``
        return Creation(call, spec, label, "local_elements", call, "", function)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1 and isinstance(name := stmt.targets[0], ast.Name)):
        return None
    if not dies_with_frame(module, function, name.id, lambda load: walk_keeps(module, load, (spec.close, *spec.ends)), made=call):
        return None
    return Creation(call, spec, label, "local_elements", stmt, name.id, function)
