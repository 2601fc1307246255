"""An instance of a first-party class that never closes what it opens, made in a function: what
ends it, if anything (moved out of :mod:`.resource_model`)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import cast
from pathlib import Path

from tradelint.facts.class_family import class_node
from tradelint.facts.framework_ends import reached_at_unload, setup_parameters
from tradelint.facts.holders import kept_at_setup
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import resolve_ref
from tradelint.facts.ownership import OwnershipModel, framework_teardown
from tradelint.facts.syntax import capword, class_method, last_name
from tradelint.facts.summaries import class_named_by, definition_of
from tradelint.facts.summary_data import ModuleSummary, Ref
from tradelint.facts.uses import assigned_to, classify, in_cleanup_block, name_loads
from tradelint.models.resources.error_paths import left_open_by_a_handler
from tradelint.models.resources.proofs import closed_where_errors_are_swallowed
from tradelint.models.resources.owner_closes import closed_by_an_owner
from tradelint.models.resources.null_pool import pools_nothing
from tradelint.models.resources.part_releases import gives_held
from tradelint.models.resources.borrowing import lazily_given
from tradelint.models.resources.factories import imported_factory
from tradelint.models.resources.factory_runs import INIT, factory_run
from tradelint.models.resources.library_makers import library_maker, module_makers
from tradelint.models.resources.release_leaves import left_by_release, stored_call
from tradelint.models.resources.resource_types import Creation, Problem, ResourceSpec, first_party_spec, passed
from tradelint.models.resources.statements import _closes_held
from tradelint.models.resources.unopened import built_quietly, never_used, opener_never_called


def owner_leaks(module: ModuleInfo, c: Creation) -> Problem | None:
    """Nothing ends what the instance holds, unless it is handed to the caller (returned or
    yielded), kept elsewhere (an alias, a container, a framework or library it is registered
    with: ``await bot.add_cog(cog)``, ``hass.data[DOMAIN] = {...}``), or something reaches in
    to close it. Then the class's own TRD202 finding is the one to act on; a per-call object
    lent to first-party code (atomicpuppy's ``EventFinder(fetcher=fetcher)``) still leaks."""
    if (c.spec.opened_by or c.spec.leaves) and c.kind != "local":
        return None  # (what one opened later holds is followed in the function that makes it only)
    if c.kind != "local":
        return "owner_leaks"
    assert c.function is not None
    closes: list[ast.AST] = []
    loads = list(name_loads(c.function, c.name))
    opening = (c.spec.opened_by,) if c.spec.opened_by else c.spec.leaves[1:]
    if opening and not any(classify(module, node).kind == "method" and classify(module, node).name in opening for node in loads):
        return None  # never opened here: it holds nothing
    for node in loads:
        use = classify(module, node)
        if kept_at_setup(module, c.function, node, use.kind) and not any(
                reached_at_unload(module, n) for n in (c.spec.holds, c.spec.close, "close", "aclose") if n):
            # ``hass.data[DOMAIN][entry.entry_id] = {"client": client}``: kept until the entry
            # unloads, and nothing the unload runs can end what it holds (a pump integration
            # ``90ae29a0``: each reload left the client's httpx client open).
            return "holder_kept_at_setup"
        if use.kind in ("return", "alias", "with", "container"):
            return None
        if use.kind == "argument" and use.call is not None and definition_of(module, use.call.func) is None:
            return None
        if use.kind == "attribute" and (use.name == c.spec.holds or gives_held(module, c.call, use.name, c.spec.holds)) and _closes_held(module, node):
            closes.append(node)  # ``await fetcher.session.close()``, ``await client.http.close()`` (a property)
    if not closes:
        return "holder_opened_never_closed" if c.spec.opened_by else "holder_release_leaves" if c.spec.leaves else "owner_leaks"
    # Closed by the maker, as a resource of its own: on every path (``finally``, or both an
    # ``except`` and the way on), or only at the end of a ``try`` whose ``except`` goes on
    # without it (lbry's CLI: the API client's session left open when the daemon is down).
    kinds = [in_cleanup_block(module, node, c.function) for node in closes]
    if "finally" in kinds or ("except" in kinds and None in kinds):
        return None
    left = closed_where_errors_are_swallowed(module, closes) or left_open_by_a_handler(module, c, closes)
    return "owner_closed_outside_finally" if left else None


def unclosed_by_class(
    module: ModuleInfo,
    func: ast.expr,
    builtin_spec: Callable[[str], ResourceSpec | None],
    class_closes: Callable[[Creation, ModuleInfo], bool],
    owned_close: Callable[[ModuleSummary, Ref], tuple[str, bool] | None] | None = None,
    run: frozenset[str] = frozenset({INIT}),
    lazy_part: Callable[[ModuleSummary, Ref], bool] | None = None,
) -> tuple[str, tuple[tuple[str, int], ...]] | None:
    """``StreamFetcher(...)`` where the first-party class opens a library resource on ``self`` in
    ``__init__`` and nothing ever closes it (atomicpuppy): the attribute every instance leaks, and
    ``()``; or, for a library wrapper it makes around what it is given (``self.api =
    CustomObjectsApi(api_client)``), that attribute and the parameters it is given through: an
    instance holds a resource then only when handed one made for it (``ResourceSpec.takes``).
    With ``owned_close`` (how a value made by a ref is released), a resource of a first-party
    type too (pinecone's ``AsyncInference``, whose own ``AsyncHTTPClient`` nothing closes),
    unless it holds nothing until used (``lazy_part``) and nothing uses it (``never_used``).
    ``run``: the methods that have run when the maker has the instance (``__init__``, and for a
    factory class method those it calls on the new instance: ``factory_runs.factory_run``)."""
    named = class_named_by(module, func)
    if named is None or "__new__" in named[2].methods:
        return None
    summary, definition, facts = named
    specs: dict[int, ResourceSpec] = {}
    for a in facts.acquisitions:
        if a.method not in run:
            continue
        spec = builtin_spec(a.ref[1]) if a.ref[0] == "qualified" else None
        # (a first-party class only: a library type known by the project's own closes elsewhere
        # may be shared, and is judged where it is made)
        if spec is None and owned_close is not None and resolve_ref(module.project, summary, a.ref) is not None:
            made = owned_close(summary, a.ref)
            spec = ResourceSpec(made[0], awaited=made[1], first_party=True) if made is not None else None
        if spec is not None:
            specs[a.line] = spec
    acquisitions = [a for a in facts.acquisitions if a.line in specs and a.method in run]
    if not acquisitions:
        return None
    owner = module.project.module_at(Path(summary.path))
    cls = next((c for c in owner.index.classes if c.lineno == definition.line and c.name == facts.name), None) if owner else None
    if owner is None or cls is None:
        return None
    taking: tuple[str, tuple[tuple[str, int], ...]] | None = None
    for acquisition in acquisitions:
        spec = specs[acquisition.line]
        init = class_method(cls, acquisition.method)  # (``__init__``, or a method a factory runs)
        if init is not None and _made_on_a_null_pool(owner, init, acquisition.line, spec.close):
            continue  # ``self.engine = create_async_engine(url, poolclass=NullPool)`` holds nothing
        # ``self.api = CustomObjectsApi(api_client)``: the client its caller gives it, not one of its
        # own; the instance holds one only when a caller hands it one made for it.
        given = _kept_given(init, stored_call(init, acquisition.line), spec) if init is not None and spec.given else None
        if given is not None and acquisition.method != INIT:
            continue  # (kept from a method's parameters, not the constructor's: not judged)
        if spec.opened_by and not spec.first_party and opener_never_called(owner, cls, acquisition.attr, spec.opened_by):
            continue  # (a library client that holds nothing until a call nothing makes: gql's ``Client``)
        if spec.first_party and lazy_part is not None and lazy_part(summary, acquisition.ref) and never_used(owner, cls, acquisition.attr):
            continue  # (a part of the project's that opens on use, never used)
        held = Creation(cls, spec, "", "self", cls, acquisition.attr, init, cls)  # type: ignore[arg-type]
        if not class_closes(held, owner) and not closed_by_an_owner(
            owner, cls.name, acquisition.attr, frozenset({spec.close, "close", "aclose"})
        ):
            if given is None:
                return acquisition.attr, ()
            if given:
                taking = taking or (acquisition.attr, given)
    return taking


def _kept_given(
    init: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call | None, spec: ResourceSpec
) -> tuple[tuple[str, int], ...] | None:
    """None when the library wrapper ``__init__`` makes (``call``) makes its own resource: given
    nothing where it would make one (``spec.given``), or given one made there. Otherwise it keeps
    a value it is handed, which its giver owns (kubernetes_asyncio's ``CustomObjectsApi(api_client)``):
    the ``__init__`` parameters (name, position after ``self``) that value comes from, empty when
    it comes from elsewhere (an attribute)."""
    if call is None:
        return None
    params = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    for name, position in spec.given:
        value = passed(call, name, position)
        value = value.value if isinstance(value, ast.Await) else value
        if value is None or isinstance(value, ast.Call) or (isinstance(value, ast.Constant) and value.value is None):
            continue
        if isinstance(value, ast.Name) and value.id in params:
            return ((value.id, params.index(value.id)),)
        if isinstance(value, ast.Name) and value.id in {a.arg for a in init.args.kwonlyargs}:
            return ((value.id, -1),)
        return ()
    return None


def _made_on_a_null_pool(module: ModuleInfo, init: ast.FunctionDef | ast.AsyncFunctionDef, line: int, release: str) -> bool:
    """Whether the store of ``init`` at ``line`` keeps an engine on a ``NullPool`` (``null_pool``)."""
    for node in ast.walk(init):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno == line and isinstance(node.value, ast.Call):
            return pools_nothing(module, node.value, release)
    return False


def lazy_holder_at_setup(
    module: ModuleInfo,
    call: ast.Call,
    builtin_spec: Callable[[str], ResourceSpec | None],
    class_closes: Callable[[Creation, ModuleInfo], bool],
) -> ResourceSpec | None:
    """``client = Client(...)`` in an integration's setup, the local kept where Home Assistant holds it for
    the entry (``hass.data[DOMAIN][entry.entry_id] = {"client": client}``, ``entry.runtime_data =
    ...``), where the first-party class makes a library resource on ``self`` on first use (a
    getter: ``if not self._client: self._client = httpx.AsyncClient()``) and no method of it
    closes that: the instance is used for the entry's whole life, so what it makes is open at the
    unload, and nothing the unload runs can close it (a pump integration's ``90ae29a0``: each reload
    left both clients' httpx clients open; the fix gave each a ``close()``, awaited at unload).
    :func:`unclosed_by_class` with every method taken as run; a class that opens on use, made
    anywhere else, holds nothing until something uses it, which is not followed here."""
    function = module.enclosing_function(call)
    if function is None or not setup_parameters(module, function) or (named := class_named_by(module, call.func)) is None:
        return None
    binding = assigned_to(module, call, function)  # (a local: only a local's creation is judged, ``owner_creation``)
    if binding is None or binding.kind != "local" or not any(
            kept_at_setup(module, function, node, classify(module, node).kind) for node in name_loads(function, binding.name)):
        return None
    unclosed = unclosed_by_class(module, call.func, builtin_spec, class_closes, run=frozenset(named[2].methods))
    if unclosed is None or unclosed[1]:
        return None  # (a wrapper of what it is given: its giver owns that)
    return ResourceSpec("close", first_party=True, holds=unclosed[0], lazily_held=True)


def holder_spec(
    module: ModuleInfo,
    func: ast.expr,
    builtin_spec: Callable[[str], ResourceSpec | None],
    class_closes: Callable[[Creation, ModuleInfo], bool],
    model: OwnershipModel,
) -> ResourceSpec | None:
    """The spec of an instance of a first-party class that never closes what it opens: one that
    opens it in ``__init__`` (:func:`unclosed_by_class`), or in a method of its own, which it
    holds once that method has run (:func:`opened_by_class`), or one whose own release leaves
    open what some of its methods open (``release_leaves.left_by_release``)."""
    def lazy(summary: ModuleSummary, ref: Ref) -> bool:
        """A part of the project's that opens only on use and that nothing but its holder can use."""
        target = resolve_ref(model.project, summary, ref)
        made = model.resource_type(*target) if target is not None else None
        # (one known by its ``__aexit__`` alone may start its work in ``__init__``: ydb's ``SessionPool``)
        node = class_node(module, *target) if target is not None and made is not None and made.lazy and not made.by_protocol else None
        return node is not None and built_quietly(*node)

    unclosed = unclosed_by_class(module, func, builtin_spec, class_closes, model.owned_close, lazy_part=lazy)
    if not unclosed and (factory := factory_run(module, func)) is not None:
        # ``await CoAPClient.create(host)``: what the factory's ``await obj._init()`` opens is
        # held as what ``__init__`` opens is.
        unclosed = unclosed_by_class(module, factory[0], builtin_spec, class_closes, model.owned_close, factory[1], lazy)
    if unclosed:
        holds, takes = unclosed
        return ResourceSpec("close", first_party=True, holds=holds, lends=lazily_given(module, func, model), takes=takes)
    found = definition_of(module, func) if capword(last_name(func)) else None
    if found is None or found[1].kind != "class":
        return None
    # Judged once per class and run: the verdict reads the class's code, never the caller's.
    key = ("held-by-own-methods", found[0].path, found[0].digest, found[1].line)
    memo = module.project.class_memo
    if key not in memo:
        memo[key] = None  # (a class that holds an instance of itself)
        opened = opened_by_class(module, func, builtin_spec, class_closes, model)
        if opened is None:
            memo[key] = left_by_release(module, func, lambda home, call: _release_of(home, call, builtin_spec, model), model)
        else:
            attr, method, release = opened
            memo[key] = ResourceSpec(release[0], awaited=release[1], first_party=True, holds=attr, opened_by=method)
    return cast("ResourceSpec | None", memo[key])


def opened_by_class(
    module: ModuleInfo,
    func: ast.expr,
    builtin_spec: Callable[[str], ResourceSpec | None],
    class_closes: Callable[[Creation, ModuleInfo], bool],
    model: OwnershipModel,
) -> tuple[str, str, tuple[str, bool]] | None:
    """``coordinator = Coordinator(hass, entry)`` where the first-party class opens a resource on
    ``self`` in a public method of its own (``async def async_setup(self): self.api = await
    connect(host)``, a maker of the project, or a library or first-party resource's constructor)
    and no method of it ever closes it: an instance holds it once that method has run, and the
    code that made it and ran it must close it (``await coordinator.api.close()``), or hand the
    instance on (livisi ``3749b125``: a migration's coordinator, set up and dropped). (attribute,
    opening method, (release, awaited)); None otherwise. An owner closing it through some other
    instance says nothing of this one: each maker is judged."""
    named = class_named_by(module, func)
    if named is None:
        return None
    summary, definition, facts = named
    if facts.bases and any(resolve_ref(module.project, summary, b) is None for b in facts.bases if b[0] == "local"):
        return None
    # (what a method of a value makes counts as any maker does: ``self.ws = await
    # self.session.ws_connect(url)``, read by ``_release_of``)
    stores = (*facts.acquisitions, *facts.made)
    candidates = [a for a in stores if a.method != "__init__" and not a.method.startswith("_") and a.method in facts.methods]
    if not candidates or len({a.attr for a in stores if a.method == "__init__"} & {a.attr for a in candidates}):
        return None
    owner = module.project.module_at(Path(summary.path))
    cls = next((c for c in owner.index.classes if c.lineno == definition.line and c.name == facts.name), None) if owner else None
    if owner is None or cls is None or framework_teardown(owner, cls) is not None:
        return None  # (a framework's class is ended by the framework: its own TRD202 says where)
    for acquisition in candidates:
        if acquisition.attr.startswith("_"):
            continue  # (what a maker could close only by reaching into the object's privates)
        if sum(1 for a in stores if a.attr == acquisition.attr) != 1:
            continue  # (made again elsewhere: a reconnect the class manages)
        method = class_method(cls, acquisition.method)
        call = stored_call(method, acquisition.line) if method is not None else None
        release = _release_of(owner, call, builtin_spec, model) if call is not None else None
        if method is None or release is None:
            continue
        held = Creation(cls, ResourceSpec(release[0], awaited=release[1]), "", "self", cls, acquisition.attr, method, cls)  # type: ignore[arg-type]
        if not class_closes(held, owner):
            return acquisition.attr, acquisition.method, release
    return None


def _release_of(
    module: ModuleInfo, call: ast.Call, builtin_spec: Callable[[str], ResourceSpec | None], model: OwnershipModel
) -> tuple[str, bool] | None:
    """How what ``call`` makes is released: a library resource of the table, a first-party
    resource type, or what a first-party maker returns (not a lazy one, nor one that only wraps
    what it is given)."""
    qualified = module.imports.qualify(call.func)
    spec = builtin_spec(qualified) if qualified is not None else None
    if spec is None:
        made = model.first_party_type(module, call.func)
        spec = first_party_spec(made.release, lazy=made.lazy, awaited=made.awaited) if made is not None else None
    if spec is None and isinstance(call.func, ast.Name):
        spec = imported_factory(module, call.func, builtin_spec, model)
    if spec is None and isinstance(call.func, ast.Attribute) and qualified is None:
        # ``await self.session.ws_connect(url)``: a library maker on a receiver of its class
        spec = library_maker(module, call, module_makers(module), builtin_spec)
    if spec is None or spec.lazy or spec.given or spec.lends or spec.takes or spec.holds or spec.part is not None:
        return None
    return spec.close, spec.awaited
